// Browser end-to-end test of the server's round trip to a presenter who receives nothing (issue
// 3): Solo's Chromium runs in a network namespace of its own whose only route to the server is a
// rounds-netem link (lib/impaired_link.mjs) with 40 ms of delay each way, and Solo is alone in
// the room, so the server sends it no media and no SR to report on. The server's receiver
// reports carry an RTCP XR Receiver Reference Time block (RFC 3611 §4.4); Chromium's DLRR answer
// must give the server a round trip of about 80 ms (/api/stats peerLinks[].rttMs), which then
// paces its NACK retries towards Solo (docs/architecture.md, "Round trips"). Then a second
// participant joins: Solo now receives video, and its Chromium sends XR RRTRs of its own (the
// offer asks for them with a=rtcp-fb:<pt> rrtr; without it Chromium sends none, checked), which
// the server must answer, so that Solo's Chromium shows its own round trip for the audio it
// receives (remote-outbound-rtp roundTripTime). Run it with
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

/** The workers' counters summed (rrtrReceived, rrtrAnswered). */
async function workerCounters() {
  session ??= await hostSession(baseUrl);
  const response = await fetch(`${baseUrl}/api/stats`, { headers: { authorization: `Bearer ${session}` } });
  assert.equal(response.status, 200);
  const { workers } = await response.json();
  const sum = (key) => workers.reduce((total, w) => total + (w[key] ?? 0), 0);
  return { rrtrReceived: sum('rrtrReceived'), rrtrAnswered: sum('rrtrAnswered') };
}

/** What this page's Chromium says of the round trip of what it receives (remote-outbound-rtp,
 *  which the webrtc-stats spec measures with DLRR answers to RRTRs), if it says anything. */
async function receiverRoundTrips(page) {
  return page.evaluate(async () => {
    const stats = await window.__rounds.pc.getStats();
    const out = [];
    stats.forEach((s) => {
      if (s.type === 'remote-outbound-rtp')
        out.push({ kind: s.kind, rttMs: s.roundTripTime === undefined ? null : s.roundTripTime * 1000, measurements: s.roundTripTimeMeasurements ?? 0 });
    });
    return out;
  });
}

let link;
let browser;  // Solo's, behind the link
let localBrowser;  // the second participant's, in this namespace

before(async () => {
  if (skip) return;
  link = await openImpairedLink(`both delay=${kDelayMs}`);
  browser = await link.launchChromium();
  localBrowser = await link.launchChromiumHere();
});

after(async () => {
  await browser?.close();
  await localBrowser?.close();
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

  test('once it receives video, its browser asks for its own round trip and gets an answer', { timeout: 60_000 }, async () => {
    const start = await workerCounters();
    people.push(await openParticipant(localBrowser, baseUrl, room, 'Local'));
    const solo = people[0].page;
    // The offer's video carries a=rtcp-fb:<pt> rrtr: Chromium sends an XR RRTR with its
    // receiver reports, and the server answers each with a DLRR.
    const counters = await eventually(
      'Solo sent RRTRs and the server answered them',
      async () => {
        const c = await workerCounters();
        return c.rrtrReceived > start.rrtrReceived && c.rrtrAnswered > start.rrtrAnswered && c;
      },
      30_000,
      500,
    );
    const offer = await solo.evaluate(() => window.__rounds.pc.remoteDescription.sdp);
    assert.match(offer, /a=rtcp-fb:\d+ rrtr/, 'the offer asks for RRTR');
    // Chromium files a receiver's round trip under the XR's sender SSRC, and an audio receiver
    // shows the one filed under its own stream's SSRC as remote-outbound-rtp roundTripTime (it
    // also needs an SR on that stream, which the server translates from Local's): the server's
    // answers go out under the audio stream's SSRC too, so Solo's browser must show its own
    // round trip across the link. (Video receivers show none in their stats; they use it for
    // their NACK timing.)
    const audio = await eventually(
      "Solo's Chromium shows its round trip for the audio it receives",
      async () => {
        const seen = await receiverRoundTrips(solo);
        return seen.find((s) => s.kind === 'audio' && s.rttMs !== null && s.measurements > 0);
      },
      45_000,
      1000,
    );
    const seen = await receiverRoundTrips(solo);
    console.log(`rtt test (receiver): ${JSON.stringify({ server: { rrtrReceived: counters.rrtrReceived - start.rrtrReceived, rrtrAnswered: counters.rrtrAnswered - start.rrtrAnswered }, chromium: seen })}`);
    assert.ok(
      audio.rttMs >= 2 * kDelayMs && audio.rttMs <= 2 * kDelayMs + 120,
      `Chromium's round trip is the link's two ways: ${audio.rttMs} ms`,
    );
  });
});
