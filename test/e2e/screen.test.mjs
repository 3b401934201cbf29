// Browser end-to-end test of screen sharing (docs/signalling.md "Screen sharing") and of the
// low-bandwidth choice "no incoming screen video": Ann shares a screen with the real
// getDisplayMedia (Chromium's fake capture, auto-accepted by --use-fake-ui-for-media-stream); Ben
// decodes it in a tile labelled "Ann's screen"; Ben refuses screens and his inbound screen bytes
// stop while his camera bytes keep growing; he lifts it and decodes the screen again; Ann's capture
// ends as the browser's own "Stop sharing" ends it, and Ben's tile goes. Run it with
// test/e2e/run.sh <rounds-binary>.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { closeParticipants, eventually, launchChromium, openParticipant } from './lib/browser.mjs';

const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const skip = baseUrl ? false : 'ROUNDS_URL is not set: run test/e2e/run.sh <rounds-binary>';

/** Ben's inbound video, split into the shared screen (the track in the screen tile) and cameras. */
async function inbound(page) {
  return page.evaluate(async () => {
    const out = { screenBytes: 0, screenFrames: 0, cameraBytes: 0, screens: window.__rounds.screens };
    const pc = window.__rounds.pc;
    const video = document.querySelector('figure.tile.screen video');
    const screenTrack = video?.srcObject?.getVideoTracks()[0];
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      if (screenTrack && s.trackIdentifier === screenTrack.id) {
        out.screenBytes += s.bytesReceived ?? 0;
        out.screenFrames += s.framesDecoded ?? 0;
      } else {
        out.cameraBytes += s.bytesReceived ?? 0;
      }
    });
    return out;
  });
}

let browser;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('screen sharing', { skip }, () => {
  const room = `screen-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(async () => {
    await closeParticipants(people);
  });

  test('a shared screen is decoded, refused ("no incoming screen video"), shown again and ended', { timeout: 60_000 }, async () => {
    for (const name of ['Ann', 'Ben']) people.push(await openParticipant(browser, baseUrl, room, name));
    const [ann, ben] = people.map((p) => p.page);
    for (const { name, page } of people) {
      await eventually(`${name} joined`, () => page.evaluate(() => window.__rounds.state === 'joined'), 20_000);
    }
    const annId = await ann.evaluate(() => window.__rounds.participantId);

    // The control bar's button, as a person would press it (Enter on the focused button).
    await ann.locator('#toggle-screen').focus();
    await ann.keyboard.press('Enter');
    await eventually('Ann shares', () => ann.evaluate(() => window.__rounds.sharing === true), 10_000);
    await eventually('Ben shows Ann’s screen', () => ben.evaluate((id) => window.__rounds.shownScreens.includes(id), annId), 15_000);
    const label = await ben.locator('figure.tile.screen .name').textContent();
    assert.equal(label, "Ann's screen", 'the screen tile names its presenter');
    await eventually('Ben decodes Ann’s screen', async () => (await inbound(ben)).screenFrames > 10, 20_000);

    // "No incoming screen video" in the Bandwidth section (a labelled native select).
    await ben.getByLabel('Shared screens', { exact: true }).selectOption('hide');
    await eventually('the server confirmed it', async () => (await inbound(ben)).screens === 'hide', 5_000);
    await sleep(1_000); // packets already in flight
    const a = await inbound(ben);
    await sleep(2_000);
    const b = await inbound(ben);
    console.log(
      `screen test: in 2 s of "no incoming screen video" Ben got +${b.screenBytes - a.screenBytes} screen bytes, ` +
        `+${b.cameraBytes - a.cameraBytes} camera bytes`,
    );
    assert.equal(b.screenBytes, a.screenBytes, 'no screen bytes arrive while refused');
    assert.ok(b.cameraBytes > a.cameraBytes + 1000, 'camera video keeps arriving');

    await ben.getByLabel('Shared screens', { exact: true }).selectOption('room-default');
    await eventually(
      'Ben decodes Ann’s screen again',
      async () => {
        const c = await inbound(ben);
        return c.screens === 'show' && c.screenFrames > b.screenFrames + 10;
      },
      15_000,
    );

    // A second capture replaces the first on the same line: Ben keeps decoding, no new tile.
    const screenTrackId = () =>
      ann.evaluate(() => window.__rounds.pc.getSenders().find((s) => s.track?.label.startsWith('screen'))?.track.id ?? null);
    const firstTrack = await screenTrackId();
    await ann.locator('#switch-screen').click();
    await eventually('Ann sends the new capture', async () => (await screenTrackId()) !== firstTrack, 10_000);
    const beforeSwitch = await inbound(ben);
    await eventually('Ben decodes the new capture', async () => (await inbound(ben)).screenFrames > beforeSwitch.screenFrames + 10, 10_000);
    assert.equal(await ben.locator('figure.tile.screen').count(), 1, 'still one screen tile');

    // The browser's own "Stop sharing" ends the captured track with an `ended` event.
    await ann.evaluate(() => {
      const sender = window.__rounds.pc.getSenders().find((s) => s.track?.label.startsWith('screen'));
      sender.track.dispatchEvent(new Event('ended'));
    });
    await eventually('Ann stopped sharing', () => ann.evaluate(() => window.__rounds.sharing === false), 5_000);
    await eventually('Ben’s screen tile is gone', () => ben.evaluate(() => !document.querySelector('figure.tile.screen')), 10_000);
  });
});
