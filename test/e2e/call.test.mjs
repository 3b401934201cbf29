// Browser end-to-end test: real Chromium pages join a room on a running rounds server, see and hear
// each other (proved with getStats), leave, close, and join by keyboard. Run it with
// test/e2e/run.sh <rounds-binary>, which starts the server in a private network namespace and sets
// ROUNDS_URL; without ROUNDS_URL every test is skipped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { eventually, hostSession, launchChromium } from './lib/browser.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const skip = baseUrl ? false : 'ROUNDS_URL is not set: run test/e2e/run.sh <rounds-binary>';
// The README's picture is refreshed only on request (ROUNDS_SCREENSHOT=docs/screenshot.png), so
// that a test run leaves the working tree as it found it.
const screenshotPath = path.resolve(repoRoot, process.env.ROUNDS_SCREENSHOT ?? 'build/e2e/screenshot.png');

function randomRoom() {
  return `e2e-${randomBytes(6).toString('hex')}`;
}

/** One person: a browser context of their own (like a separate browser profile) and one page. */
async function openParticipant(browser, url, label, beforeLoad = () => undefined) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
  const page = await context.newPage();
  beforeLoad(page);
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  await page.goto(url);
  return { label, context, page, problems };
}

function autojoinUrl(room, name) {
  return `${baseUrl}/r/${room}?name=${encodeURIComponent(name)}&autojoin=1`;
}

async function hookOf(page) {
  return page.evaluate(() => {
    const hook = window.__rounds;
    return { state: hook.state, error: hook.error, participantId: hook.participantId, participants: { ...hook.participants } };
  });
}

async function remoteTileCount(page) {
  return page.locator('.tile:not(.local)').count();
}

/**
 * Media received per participant id, from the page's own RTCPeerConnection. Each inbound-rtp stat
 * is mapped to its m-line (mid; or the receiver's track id when a browser omits mid), and the
 * m-line to a participant by its a=msid line in the server's offer (docs/signalling.md).
 */
async function receivedMedia(page) {
  return page.evaluate(async () => {
    const pc = window.__rounds.pc;
    if (!pc || !pc.remoteDescription) return {};
    const midToParticipant = {};
    for (const section of pc.remoteDescription.sdp.split(/\r?\nm=/).slice(1)) {
      const mid = /\na=mid:(\S+)/.exec(section)?.[1];
      const msid = /\na=msid:(\S+)/.exec(section)?.[1];
      if (mid !== undefined && msid) midToParticipant[mid] = msid;
    }
    const trackToMid = {};
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.mid !== null) trackToMid[transceiver.receiver.track.id] = transceiver.mid;
    }
    const result = {};
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const mid = s.mid ?? trackToMid[s.trackIdentifier];
      const id = midToParticipant[mid];
      if (!id) return;
      const entry = (result[id] ??= { framesDecoded: 0, audioSamples: 0 });
      if (s.kind === 'video') entry.framesDecoded += s.framesDecoded ?? 0;
      if (s.kind === 'audio') entry.audioSamples += (s.totalSamplesReceived ?? 0) - (s.concealedSamples ?? 0);
    });
    return result;
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

describe('a call of three', { skip }, () => {
  const room = randomRoom();
  const people = {};

  after(async () => {
    for (const person of Object.values(people)) {
      if (person.problems.length) console.error(`[${person.label}]\n  ${person.problems.join('\n  ')}`);
      await person.context.close().catch(() => undefined);
    }
  });

  test('Alice, Bob and Carol each see two tiles with the right names', { timeout: 90_000 }, async () => {
    for (const name of ['Alice', 'Bob', 'Carol']) {
      people[name] = await openParticipant(browser, autojoinUrl(room, name), name);
      await eventually(`${name} joined`, async () => (await hookOf(people[name].page)).state === 'joined', 20_000);
    }
    for (const name of ['Alice', 'Bob', 'Carol']) {
      const { page } = people[name];
      await eventually(`${name} has two remote tiles`, async () => (await remoteTileCount(page)) === 2, 30_000);
      const hook = await hookOf(page);
      const others = ['Alice', 'Bob', 'Carol'].filter((n) => n !== name);
      assert.deepEqual(Object.values(hook.participants).sort(), others, `${name}'s participant list`);
      people[name].id = hook.participantId;
      for (const other of others) {
        await assert.doesNotReject(
          page.locator('.tile:not(.local) figcaption .name', { hasText: other }).waitFor({ timeout: 5_000 }),
          `${name} sees a tile labelled ${other}`,
        );
      }
    }
  });

  test('each of them decodes video and audio from both others', { timeout: 90_000 }, async () => {
    for (const name of ['Alice', 'Bob', 'Carol']) {
      const { page } = people[name];
      const otherIds = Object.values(people).filter((p) => p.label !== name).map((p) => p.id);
      // Wait until media flows at all (ICE, DTLS and the first key frame take a moment)…
      await eventually(
        `${name} receives media from both others`,
        async () => {
          const media = await receivedMedia(page);
          return otherIds.every((id) => media[id]?.framesDecoded > 0 && media[id]?.audioSamples > 0) && media;
        },
        30_000,
      );
      // …then prove it keeps flowing: counters rise between two samples about 2 s apart.
      const first = await receivedMedia(page);
      await sleep(2_000);
      const second = await receivedMedia(page);
      for (const id of otherIds) {
        const who = Object.values(people).find((p) => p.id === id).label;
        assert.ok(
          second[id].framesDecoded > first[id].framesDecoded,
          `${name} decodes ${who}'s video (${first[id].framesDecoded} → ${second[id].framesDecoded} frames)`,
        );
        assert.ok(
          second[id].audioSamples > first[id].audioSamples,
          `${name} plays ${who}'s audio (${first[id].audioSamples} → ${second[id].audioSamples} samples)`,
        );
      }
    }
  });

  test('transport-cc both ways: Chromium estimates its uplink, the server each browser\'s downlink', { timeout: 60_000 }, async () => {
    // Chromium's send-side estimate runs on the server's transport feedback (docs/architecture.md,
    // "Congestion control"); getStats shows it as availableOutgoingBitrate on the selected pair.
    for (const name of ['Alice', 'Bob', 'Carol']) {
      const bitrate = await eventually(
        `${name}'s availableOutgoingBitrate`,
        () => people[name].page.evaluate(async () => {
          const stats = await window.__rounds.pc.getStats();
          let pairId;
          stats.forEach((s) => {
            if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
          });
          return pairId ? stats.get(pairId)?.availableOutgoingBitrate : undefined;
        }),
        15_000,
      );
      assert.ok(bitrate > 30_000 && bitrate < 100_000_000, `${name}: availableOutgoingBitrate ${bitrate}`);
    }
    // The server's own estimate of the link towards each browser (it subscribes to two others).
    const session = await hostSession(baseUrl);
    const links = await eventually(
      'the server has a downlink estimate for all three',
      async () => {
        const response = await fetch(`${baseUrl}/api/stats`, { headers: { authorization: `Bearer ${session}` } });
        assert.equal(response.status, 200);
        const byPeer = {};
        for (const w of (await response.json()).workers) for (const l of w.peerLinks) byPeer[l.peer] = l;
        const all = ['Alice', 'Bob', 'Carol'].map((n) => byPeer[people[n].id]);
        return all.every((l) => l?.downlinkEstimateBps > 0) && all;
      },
      15_000,
    );
    for (const link of links) {
      assert.ok(link.downlinkEstimateBps >= 30_000 && link.downlinkEstimateBps <= 20_000_000, `estimate ${link.downlinkEstimateBps}`);
      assert.ok(link.transportFeedbacksReceived > 0, 'the browser sent transport feedback');
      assert.ok(link.transportFeedbacksSent > 0, 'the server sent the browser transport feedback');
    }
    console.log(`downlink estimates (bit/s): ${links.map((l) => `${l.downlinkEstimateBps} ` +
      `(${l.probeClusters} probes, ${l.probeSuccesses} taken)`).join(', ')}`);
  });

  test('video replaces the initials placeholder; screenshot for the README', { timeout: 30_000 }, async () => {
    const { page } = people.Alice;
    await eventually('all three of Alice\'s tiles show video', async () => (await page.locator('.tile.has-video').count()) === 3, 15_000);
    mkdirSync(path.dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath });
  });

  test('muting the microphone shows on the others\' tiles', { timeout: 30_000 }, async () => {
    const alice = people.Alice;
    const mute = alice.page.getByRole('button', { name: 'Mute microphone' });
    await mute.click();
    assert.equal(await mute.getAttribute('aria-pressed'), 'true');
    const badge = people.Bob.page.locator(`.tile[data-participant-id="${alice.id}"] .mic-off`);
    await badge.waitFor({ state: 'visible', timeout: 10_000 });
    await mute.click();
    assert.equal(await mute.getAttribute('aria-pressed'), 'false');
    await badge.waitFor({ state: 'hidden', timeout: 10_000 });
  });

  test('Carol leaves: her tile disappears for Alice and Bob within 10 s', { timeout: 30_000 }, async () => {
    const carol = people.Carol;
    await carol.page.getByRole('button', { name: 'Leave the room' }).click();
    await carol.page.getByRole('heading', { name: 'You left' }).waitFor({ timeout: 5_000 });
    await carol.page.getByRole('button', { name: /^Rejoin/ }).waitFor({ timeout: 1_000 });
    assert.equal((await hookOf(carol.page)).state, 'left');
    for (const name of ['Alice', 'Bob']) {
      const { page } = people[name];
      await eventually(
        `Carol's tile gone for ${name}`,
        async () => (await page.locator(`.tile[data-participant-id="${carol.id}"]`).count()) === 0 &&
          !(carol.id in (await hookOf(page)).participants),
        10_000,
      );
      assert.equal(await remoteTileCount(page), 1);
    }
  });

  test('Bob closes his page: his tile disappears for Alice within 30 s', { timeout: 45_000 }, async () => {
    const bob = people.Bob;
    await bob.context.close();
    const { page } = people.Alice;
    await eventually(
      "Bob's tile gone for Alice",
      async () => (await page.locator(`.tile[data-participant-id="${bob.id}"]`).count()) === 0,
      30_000,
    );
    assert.equal(await remoteTileCount(page), 0);
    assert.equal((await hookOf(page)).state, 'joined');
  });

  test('Dana joins by keyboard from the room page (type name, press Enter)', { timeout: 45_000 }, async () => {
    const dana = await openParticipant(browser, `${baseUrl}/r/${room}`, 'Dana');
    people.Dana = dana;
    const { page } = dana;
    assert.equal(await page.locator('#room-name').textContent(), room);
    // The name field has the focus when the page opens, so typing goes straight into it.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'name');
    assert.ok(await page.getByLabel('Your name').isVisible());
    await page.keyboard.type('Dana');
    await page.keyboard.press('Enter');
    await eventually('Dana joined', async () => (await hookOf(page)).state === 'joined', 20_000);
    await eventually('Dana sees Alice', async () => Object.values((await hookOf(page)).participants).includes('Alice'), 10_000);
    await people.Alice.page
      .locator('.tile:not(.local) figcaption .name', { hasText: 'Dana' })
      .waitFor({ timeout: 10_000 });
  });
});

describe('an audience arriving at once', { skip }, () => {
  const room = randomRoom();
  let alice;
  let audience;

  after(async () => {
    if (alice?.problems.length) console.error(`[Alice]\n  ${alice.problems.join('\n  ')}`);
    await audience?.context.close().catch(() => undefined);
    await alice?.context.close().catch(() => undefined);
  });

  test('six listeners join and leave together: Alice hears it in batches and her list stays right', { timeout: 60_000 }, async () => {
    // What Alice's page receives on its signalling socket: the `roster` messages.
    const rosterFrames = [];
    alice = await openParticipant(browser, autojoinUrl(room, 'Alice'), 'Alice', (page) =>
      page.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => {
          if (typeof payload === 'string' && payload.includes('"type":"roster"')) rosterFrames.push(JSON.parse(payload));
        }),
      ),
    );
    await eventually('Alice joined', async () => (await hookOf(alice.page)).state === 'joined', 20_000);

    // Six signalling sessions opened together from another page, as a briefing's audience
    // arrives; they publish nothing and answer no offer (the roster is what this test is about).
    const names = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'];
    const context = await browser.newContext();
    const page = await context.newPage();
    audience = { context, page };
    await page.goto(`${baseUrl}/`);
    await page.evaluate(async (list) => {
      const url = new URL('/ws', location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      window.__sockets = await Promise.all(
        list.map(
          (name) =>
            new Promise((resolve, reject) => {
              const ws = new WebSocket(url);
              ws.onopen = () => resolve(ws);
              ws.onerror = () => reject(new Error(`socket for ${name} failed`));
            }),
        ),
      );
    }, names);
    await page.evaluate(
      ({ list, roomName }) =>
        window.__sockets.forEach((ws, i) =>
          ws.send(JSON.stringify({ v: 1, id: 1, type: 'join', room: roomName, name: list[i], audio: false, video: false })),
        ),
      { list: names, roomName: room },
    );
    await eventually(
      "Alice's list has all six",
      async () => Object.values((await hookOf(alice.page)).participants).sort().join() === names.join(),
      15_000,
    );
    assert.ok(
      rosterFrames.some((m) => m.joined.length >= 2),
      `Alice got joins told together (roster frames: ${JSON.stringify(rosterFrames)})`,
    );

    await page.evaluate(() => window.__sockets.forEach((ws) => ws.send(JSON.stringify({ v: 1, id: 2, type: 'leave' }))));
    await eventually('Alice\'s list is empty again', async () => Object.keys((await hookOf(alice.page)).participants).length === 0, 15_000);
    assert.ok(
      rosterFrames.some((m) => m.left.length >= 2),
      `Alice got leaves told together (roster frames: ${JSON.stringify(rosterFrames)})`,
    );
    assert.equal(await remoteTileCount(alice.page), 0);
    assert.deepEqual(alice.problems, []);
  });
});
