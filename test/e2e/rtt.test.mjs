// Browser end-to-end test of the server's round trip to a presenter who receives nothing (issue
// 3): Solo's Chromium runs in a network namespace of its own whose only route to the server is a
// rounds-netem link (lib/impaired_link.mjs) with 40 ms of delay each way, and Solo is alone in
// the room, so the server sends it no media and no SR to report on. The server's receiver
// reports carry an RTCP XR Receiver Reference Time block (RFC 3611 §4.4); Chromium's DLRR answer
// must give the server a round trip of about 80 ms (/api/stats peerLinks[].rttMs), which then
// paces its NACK retries towards Solo (docs/architecture.md, "Round trips"). Run it with
// test/e2e/run.sh <rounds-binary> (root: it creates a namespace; ROUNDS_NETEM_URL is run.sh's
// server announcing the link's address).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { closeParticipants, eventually, hostSession, openParticipant, transportStats } from './lib/browser.mjs';
import { netemBinary, openImpairedLink } from './lib/impaired_link.mjs';

const baseUrl = process.env.ROUNDS_NETEM_URL?.replace(/\/$/, '');
const skip = !baseUrl
  ? 'ROUNDS_NETEM_URL is not set: run test/e2e/run.sh <rounds-binary>'
  : !netemBinary
    ? 'ROUNDS_NETEM (the rounds-netem binary) is not set'
    : false;

const kDelayMs = 40;

let session;
async function peerLink(participantId) {
  session ??= await hostSession(baseUrl);
  const response = await fetch(`${baseUrl}/api/stats`, { headers: { authorization: `Bearer ${session}` } });
  assert.equal(response.status, 200);
  const { workers } = await response.json();
  return workers.flatMap((w) => w.peerLinks).find((l) => l.peer === participantId);
}

let link;
let browser;

before(async () => {
  if (skip) return;
  link = await openImpairedLink(`both delay=${kDelayMs}`);
  browser = await link.launchChromium();
});

after(async () => {
  await browser?.close();
  await link?.close();
});

describe(`a lone presenter ${kDelayMs} ms away`, { skip }, () => {
  const room = `rtt-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(async () => {
    await closeParticipants(people);
  });

  test('the server learns its round trip from the XR answer to its reference time', { timeout: 60_000 }, async () => {
    people.push(await openParticipant(browser, baseUrl, room, 'Solo'));
    const page = people[0].page;
    const id = await eventually(
      'Solo joined over the link with a selected UDP candidate pair',
      async () => {
        const hook = await page.evaluate(() => ({ id: window.__rounds.participantId, state: window.__rounds.state }));
        const t = await transportStats(page);
        return hook.state === 'joined' && t?.local?.address === link.clientAddress && t.local.protocol === 'udp' && hook.id;
      },
      30_000,
    );
    // Receiver reports go once a second to a publisher whose packets have arrived; each answer
    // is one sample.
    const stats = await eventually(
      'the server has a round trip to Solo',
      async () => {
        const l = await peerLink(id);
        return l && l.rttMs !== null && l.rttLatestMs !== null && l;
      },
      20_000,
      500,
    );
    console.log(`rtt test: ${JSON.stringify({ rttMs: stats.rttMs, rttLatestMs: stats.rttLatestMs })}`);
    assert.ok(
      stats.rttLatestMs >= 2 * kDelayMs && stats.rttLatestMs <= 2 * kDelayMs + 120,
      `the round trip is the link's two ways: ${stats.rttLatestMs} ms`,
    );
  });
});
