// Browser end-to-end test of host controls in a series room (docs/signalling.md "Host controls",
// docs/client.md): the host mutes a speaker from the participant menu (keyboard) and the speaker's
// audio stops arriving at a third participant; an observer publishes nothing until the host makes
// them a speaker, and then their video is decoded by the others; an agenda item started through the
// REST API shows in every page and its presenter sees the overrun warning; the host removes a
// participant. Run by test/e2e/run.sh (ROUNDS_URL, operator account).
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
// Dialogs accepted: "Remove … from the meeting?"
const openPage = (who, path, hostToken) => pages.open(who, path, { hostToken, acceptDialogs: true });

before(async () => {
  if (!skip) await pages.launch();
});
after(() => pages.close());

const hook = (page, key) => page.evaluate((k) => window.__rounds[k], key);

/**
 * What `page` has received from participant `pid` so far: RTP bytes of its audio and frames of its
 * video decoded, found through the m-lines whose a=msid names that participant.
 */
function receivedFrom(page, pid) {
  return page.evaluate(async (id) => {
    const pc = window.__rounds.pc;
    if (!pc?.remoteDescription) return { audioBytes: 0, framesDecoded: 0 };
    const mids = new Set();
    for (const section of pc.remoteDescription.sdp.split(/\r\nm=/).slice(1)) {
      const mid = /a=mid:(\S+)/.exec(section)?.[1];
      if (mid && section.includes(`a=msid:${id} `) && !section.includes('a=inactive')) mids.add(mid);
    }
    let audioBytes = 0;
    let framesDecoded = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || !mids.has(s.mid)) return;
      if (s.kind === 'audio') audioBytes += s.bytesReceived ?? 0;
      if (s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
    });
    return { audioBytes, framesDecoded };
  }, pid);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Opens the host's menu for the person called `name` with the keyboard and presses `action`. */
async function hostAction(host, pid, action) {
  const entry = `#participant-list li[data-participant-id="${pid}"]`;
  await host.waitForSelector(`${entry} summary`, { timeout: 10_000 });
  const open = await host.$eval(`${entry} details`, (d) => d.open);
  if (!open) {
    await host.focus(`${entry} summary`);
    await host.keyboard.press('Enter');
  }
  await host.focus(`${entry} button.${action}`);
  await host.keyboard.press('Enter');
}

describe('host controls in a series room', { skip }, () => {
  test('mute, promote an observer, agenda overrun, remove', { timeout: 120_000 }, async () => {
    const session = await hostSession(baseUrl);
    const suffix = randomBytes(4).toString('hex');
    const person = (displayName) =>
      api('POST', '/api/people', session, {
        displayName,
        country: 'CN',
        discipline: 'critical care',
        language: 'en',
        timeZone: 'Asia/Shanghai',
      });
    const speaker = await person(`Dr Speaker ${suffix}`);
    const listener = await person(`Dr Listener ${suffix}`);
    const observer = await person(`Dr Observer ${suffix}`);
    const series = await api('POST', '/api/series', session, {
      title: 'Host control rounds',
      timeZone: 'Asia/Shanghai',
      start: '2027-03-02T21:00',
      durationMinutes: 60,
    });
    await api('PUT', `/api/series/${series.id}/roles/${observer.id}`, session, { role: 'observer' });
    const invited = await api('POST', `/api/series/${series.id}/invitations`, session, {
      invitees: [{ personId: speaker.id }, { personId: listener.id }, { personId: observer.id }],
    });
    const linkOf = (personId) => {
      const inv = invited.invitations.find((i) => i.personId === personId);
      assert.ok(inv, `an invitation for person ${personId}`);
      const url = new URL(inv.joinUrl);
      return `${url.pathname}${url.search}&name=Typed&autojoin=1`;
    };
    const room = `series-${series.id}`;

    const host = await openPage('host', `/r/${room}?name=Host&autojoin=1`, session);
    await eventually('host joined', async () => (await hook(host, 'state')) === 'joined', 20_000);
    const pages = {};
    for (const [who, p] of [['speaker', speaker], ['listener', listener], ['observer', observer]]) {
      pages[who] = await openPage(who, linkOf(p.id));
      await eventually(`${who} joined`, async () => (await hook(pages[who], 'state')) === 'joined', 20_000);
    }
    assert.equal(await hook(pages.observer, 'role'), 'observer');
    const idOf = async (name) =>
      eventually(`the host knows ${name}`, () =>
        host.evaluate((n) => Object.entries(window.__rounds.participants).find(([, v]) => v === n)?.[0], name),
      10_000);
    const speakerId = await idOf(`Dr Speaker ${suffix}`);
    const observerId = await idOf(`Dr Observer ${suffix}`);

    // The speaker's microphone reaches the listener; after the host's mute it stops arriving.
    await eventually(
      'the listener receives the speaker\'s audio',
      async () => (await receivedFrom(pages.listener, speakerId)).audioBytes > 0,
      20_000,
    );
    const before1 = (await receivedFrom(pages.listener, speakerId)).audioBytes;
    await sleep(1_000);
    const before2 = (await receivedFrom(pages.listener, speakerId)).audioBytes;
    assert.ok(before2 > before1, `audio grows before the mute (${before1} → ${before2})`);
    await hostAction(host, speakerId, 'mute');
    await eventually(
      'the speaker is told',
      async () => /Muted by the host/.test((await pages.speaker.textContent('#host-notice')) ?? ''),
      10_000,
    );
    await sleep(1_000);  // packets already on their way
    const after1 = (await receivedFrom(pages.listener, speakerId)).audioBytes;
    await sleep(2_000);
    const after2 = (await receivedFrom(pages.listener, speakerId)).audioBytes;
    assert.equal(after2, after1, 'no audio from the muted speaker reaches the listener');

    // The observer sends nothing; made a speaker, their video is decoded by the listener.
    await sleep(1_000);
    assert.equal((await receivedFrom(pages.listener, observerId)).framesDecoded, 0, 'an observer is not forwarded');
    await hostAction(host, observerId, 'make-speaker');
    await eventually('the observer is a speaker', async () => (await hook(pages.observer, 'role')) === 'speaker', 10_000);
    await eventually(
      'the listener decodes the new speaker\'s video',
      async () => (await receivedFrom(pages.listener, observerId)).framesDecoded > 0,
      20_000,
    );
    const label = await eventually(
      'the listener sees the new role on the label',
      () => pages.listener.evaluate((n) => {
        const tile = [...document.querySelectorAll('figure.tile:not(.local)')].find(
          (f) => f.querySelector('.name')?.textContent === n,
        );
        return tile?.querySelector('.affiliation')?.textContent?.includes('speaker') ?? false;
      }, `Dr Observer ${suffix}`),
      10_000,
    );
    assert.ok(label);

    // Agenda: a 1-minute item presented by the listener, started through the REST API.
    const meeting = await api('POST', `/api/series/${series.id}/meetings`, session, {
      title: 'Week 1',
      startsAt: Date.now(),
      durationMinutes: 60,
    });
    await api('POST', `/api/meetings/${meeting.id}/agenda`, session, {
      title: 'Sepsis bundle',
      presenter: `Dr Listener ${suffix}`,
      minutes: 1,
    });
    await api('POST', `/api/meetings/${meeting.id}/agenda/next`, session);
    for (const page of [host, pages.listener, pages.speaker]) {
      await eventually('the item shows', async () => (await page.textContent('#agenda-title')) === 'Now: Sepsis bundle', 10_000);
    }
    assert.equal(await hook(pages.listener, 'overrun'), false);
    // TEST ONLY: the page's agenda clock jumps 61 s ahead (window.__rounds.agendaSkewMs).
    await pages.listener.evaluate(() => (window.__rounds.agendaSkewMs = 61_000));
    await eventually('the presenter sees the overrun', () => hook(pages.listener, 'overrun'), 5_000);
    assert.equal(await pages.listener.textContent('#agenda-overrun'), '1 min over your time');
    await pages.speaker.evaluate(() => (window.__rounds.agendaSkewMs = 61_000));
    await sleep(1_500);
    assert.equal(await hook(pages.speaker, 'overrun'), false, 'only the presenter is warned');

    // Removed: the page says so and does not reconnect; the others see them go.
    await hostAction(host, speakerId, 'remove');
    await eventually('the speaker is out', async () => (await hook(pages.speaker, 'error')) === 'removed', 10_000);
    assert.equal(await pages.speaker.textContent('main h1'), 'Removed from the meeting');
    await eventually(
      'the host no longer lists the speaker',
      () => host.evaluate((id) => !(id in window.__rounds.participants), speakerId),
      10_000,
    );
  });
});
