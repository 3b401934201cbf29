// Browser end-to-end test of a series room (docs/signalling.md "Series rooms"): the operator host
// joins series-<id> signed in, an invitee's personal link lets them straight in with the label
// the directory gives them (organisation · country · role), a stranger with only a name waits in
// the lobby until the host admits them (by keyboard), and a raised hand shows in the host's queue
// until the host gives that person the floor. Run by test/e2e/run.sh (ROUNDS_URL, operator account).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { eventually, hostSession } from './lib/browser.mjs';
import { apiOk, SeriesPages } from './lib/series_pages.mjs';

const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const skip =
  baseUrl && process.env.ROUNDS_E2E_HOST_EMAIL ? false : 'ROUNDS_URL/ROUNDS_E2E_HOST_EMAIL not set: run test/e2e/run.sh';

const pages = new SeriesPages(baseUrl);
const api = (method, route, session, body) => apiOk(baseUrl, method, route, { session, body });
/** A page at `path`; `hostToken` is stored where the client looks for a host's sign-in. */
const openPage = (who, path, hostToken) => pages.open(who, path, { hostToken });

before(async () => {
  if (!skip) await pages.launch();
});
after(() => pages.close());

const state = (page) => page.evaluate(() => window.__rounds.state);

describe('a series room with a lobby', { skip }, () => {
  test('invitee enters with a label, a stranger waits until admitted, hands queue', { timeout: 60_000 }, async () => {
    const session = await hostSession(baseUrl);
    const suffix = randomBytes(4).toString('hex');
    const org = await api('POST', '/api/organisations', session, {
      name: `Hospital of Hope ${suffix}`,
      country: 'CN',
      kind: 'hospital',
    });
    const invitee = await api('POST', '/api/people', session, {
      displayName: 'Dr Wang',
      organisationId: org.id,
      country: 'CN',
      discipline: 'critical care',
      language: 'en',
      timeZone: 'Asia/Shanghai',
    });
    const series = await api('POST', '/api/series', session, {
      title: 'Lobby rounds',
      timeZone: 'Asia/Shanghai',
      start: '2027-03-02T21:00',
      durationMinutes: 60,
    });
    const invited = await api('POST', `/api/series/${series.id}/invitations`, session, {
      invitees: [{ personId: invitee.id }],
    });
    const room = `series-${series.id}`;
    const link = new URL(invited.invitations[0].joinUrl);
    assert.equal(link.pathname, `/r/${room}`);

    // A made-up invitation is refused with a clear message, not a lobby.
    const forger = await openPage('forger', `/r/${room}?invite=forged${suffix}&name=Forger&autojoin=1`);
    await eventually('the forged invitation is refused', async () => (await state(forger)) === 'failed', 15_000);
    assert.equal(await forger.evaluate(() => window.__rounds.error), 'invite_invalid');
    assert.equal(await forger.textContent('main h1'), 'Invitation not valid');

    const host = await openPage('host', `/r/${room}?name=Host&autojoin=1`, session);
    await eventually('host joined', async () => (await state(host)) === 'joined', 20_000);

    // The invitee's typed name is replaced by the directory's, and everyone sees the label.
    const guest = await openPage('invitee', `${link.pathname}${link.search}&name=Typed&autojoin=1`);
    await eventually('invitee joined', async () => (await state(guest)) === 'joined', 20_000);
    const label = await eventually(
      'the host sees the invitee labelled',
      () => host.evaluate(() => {
        const tile = [...document.querySelectorAll('figure.tile:not(.local)')].find(
          (f) => f.querySelector('.name')?.textContent === 'Dr Wang',
        );
        return tile?.querySelector('.affiliation')?.textContent ?? null;
      }),
      15_000,
    );
    assert.equal(label, `Hospital of Hope ${suffix} · CN · participant`);
    assert.match(await guest.textContent('figure.tile.local .name'), /Dr Wang/);

    // A stranger with a name only waits; the host admits them by keyboard.
    const stranger = await openPage('stranger', `/r/${room}?name=Walk-in&autojoin=1`);
    await eventually('stranger waits in the lobby', async () => (await state(stranger)) === 'lobby', 20_000);
    assert.match(await stranger.textContent('main h1 + p, main p:not(.brand)'), /waiting for the host to let you in/);
    await host.waitForSelector('#lobby-list li:has-text("Walk-in") button.admit', { timeout: 10_000 });
    assert.equal(await state(stranger), 'lobby', 'still waiting before the host decides');
    await host.focus('#lobby-list li:has-text("Walk-in") button.admit');
    await host.keyboard.press('Enter');
    await eventually('stranger admitted', async () => (await state(stranger)) === 'joined', 20_000);
    await eventually('the lobby list empties', () => host.evaluate(() => window.__rounds.waiting.length === 0), 5_000);
    await eventually(
      'the host sees the stranger',
      () => host.evaluate(() => Object.values(window.__rounds.participants).includes('Walk-in')),
      10_000,
    );

    // The invitee, then the stranger, raise a hand (keyboard); the host sees them in that order.
    await guest.focus('#toggle-hand');
    await guest.keyboard.press('Enter');
    await eventually('the invitee\'s hand is up', () => host.evaluate(() => window.__rounds.hands.length === 1), 10_000);
    await stranger.focus('#toggle-hand');
    await stranger.keyboard.press('Space');
    const queue = await eventually(
      'the host\'s queue',
      async () => {
        const names = await host.$$eval('#hand-queue li .name', (items) => items.map((i) => i.textContent));
        return names.length === 2 && names;
      },
      10_000,
    );
    assert.deepEqual(queue, ['Dr Wang', 'Walk-in']);
    assert.equal(await guest.getAttribute('#toggle-hand', 'aria-pressed'), 'true');

    // The host gives the invitee the floor: their hand goes down everywhere.
    await host.click('#hand-queue li:has-text("Dr Wang") button.floor');
    await eventually(
      'the invitee\'s hand is lowered',
      async () => (await guest.getAttribute('#toggle-hand', 'aria-pressed')) === 'false',
      10_000,
    );
    await eventually(
      'the stranger is first in line now',
      async () => {
        const names = await stranger.$$eval('#hand-queue li .name', (items) => items.map((i) => i.textContent));
        return names.length === 1 && names[0] === 'Walk-in (you)';
      },
      10_000,
    );
  });
});
