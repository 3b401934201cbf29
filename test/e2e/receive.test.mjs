// Browser end-to-end test of a low-bandwidth choice (issue 5, docs/signalling.md "receive"): a
// subscriber picks "Audio only" in the side panel's Bandwidth menu, and the server stops sending
// it video — its inbound video bytes stop growing while its audio keeps arriving — and "Room
// default" brings the video back (decoding again: the server asked for a key frame). Run it with
// test/e2e/run.sh <rounds-binary>.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { closeParticipants, eventually, hostSession, launchChromium, openParticipant } from './lib/browser.mjs';

const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const skip = baseUrl ? false : 'ROUNDS_URL is not set: run test/e2e/run.sh <rounds-binary>';

/** What this page has received so far: video bytes and frames, audio bytes. */
async function inbound(page) {
  return page.evaluate(async () => {
    const pc = window.__rounds.pc;
    const out = { videoBytes: 0, framesDecoded: 0, audioBytes: 0, receive: window.__rounds.receive };
    if (!pc) return out;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') {
        out.videoBytes += s.bytesReceived ?? 0;
        out.framesDecoded += s.framesDecoded ?? 0;
      } else if (s.kind === 'audio') {
        out.audioBytes += s.bytesReceived ?? 0;
      }
    });
    return out;
  });
}

let session;
async function pausedConsumers() {
  session ??= await hostSession(baseUrl);
  const response = await fetch(`${baseUrl}/api/stats`, { headers: { authorization: `Bearer ${session}` } });
  assert.equal(response.status, 200);
  const { workers } = await response.json();
  return workers.reduce((n, w) => n + (w.pausedConsumers ?? 0), 0);
}

let browser;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('low-bandwidth choice', { skip }, () => {
  const room = `receive-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(async () => {
    await closeParticipants(people);
  });

  test('"Audio only" stops the video the server sends; "Room default" brings it back', { timeout: 60_000 }, async () => {
    for (const name of ['Ann', 'Ben']) people.push(await openParticipant(browser, baseUrl, room, name));
    const ben = people[1].page;
    await eventually('Ben decodes Ann’s video', async () => (await inbound(ben)).framesDecoded > 10, 30_000);
    const pausedBefore = await pausedConsumers();

    // The menu is a labelled native select in the side panel (keyboard: Tab to it, arrows).
    await ben.getByLabel('What you receive').selectOption('audio-only');
    await eventually('the server confirmed the choice', async () => (await inbound(ben)).receive === 'audio-only', 5_000);
    await sleep(1_000);  // packets already in flight
    const a = await inbound(ben);
    await sleep(3_000);
    const b = await inbound(ben);
    const paused = await pausedConsumers();
    console.log(
      `receive test: in 3 s of audio-only Ben got +${b.videoBytes - a.videoBytes} video bytes, ` +
        `+${b.audioBytes - a.audioBytes} audio bytes; pausedConsumers ${pausedBefore} → ${paused}`,
    );
    assert.equal(b.videoBytes, a.videoBytes, 'no video bytes arrive while audio only');
    assert.ok(b.audioBytes > a.audioBytes + 1000, 'audio keeps arriving');
    assert.ok(paused > pausedBefore, 'the server counts the paused consumer');

    await ben.getByLabel('What you receive').selectOption('room-default');
    await eventually(
      'Ben decodes Ann’s video again',
      async () => {
        const c = await inbound(ben);
        return c.receive === 'all' && c.videoBytes > b.videoBytes && c.framesDecoded > b.framesDecoded + 10;
      },
      15_000,
    );
  });
});
