// Browser end-to-end test of TURN (docs/turn.md): two Chromium pages join a room on a rounds server
// whose media port is closed to them by an nftables rule; only datagrams from coturn's relay ports
// get through, and coturn is reachable over TCP only. Media must flow, and each page's selected
// ICE candidate pair must be a relay candidate over TCP. Run by test/e2e/run.sh, which starts
// coturn and that server and sets ROUNDS_TURN_URL; without it the test is skipped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireFromClient = createRequire(path.join(repoRoot, 'client', 'package.json'));
const { chromium } = requireFromClient('playwright-core');

const baseUrl = process.env.ROUNDS_TURN_URL?.replace(/\/$/, '');
const skip = baseUrl ? false : 'ROUNDS_TURN_URL is not set: run test/e2e/run.sh <rounds-binary>';

// The flags of call.test.mjs (shared/design/TESTING.md): loopback only, fake camera and microphone.
const kChromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  '--disable-features=WebRtcHideLocalIpsWithMdns,MediaRouter,OptimizationHints',
];

/** Polls fn until it returns a truthy value; fails with the last value after timeoutMs. */
async function eventually(what, fn, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const shown = last instanceof Error ? last.message : JSON.stringify(last);
      assert.fail(`${what}: not true within ${timeoutMs} ms (last: ${shown})`);
    }
    await sleep(intervalMs);
  }
}

async function openParticipant(browser, room, name) {
  const context = await browser.newContext({ viewport: { width: 960, height: 540 } });
  await context.grantPermissions(['camera', 'microphone'], { origin: baseUrl });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  await page.goto(`${baseUrl}/r/${room}?name=${encodeURIComponent(name)}&autojoin=1`);
  return { name, context, page, problems };
}

/** Video frames this page decoded in total, and what its selected candidate pair looks like. */
async function transportStats(page) {
  return page.evaluate(async () => {
    const pc = window.__rounds.pc;
    if (!pc) return null;
    const stats = await pc.getStats();
    let framesDecoded = 0;
    let pairId;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
      if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId ? stats.get(pairId) : undefined;
    const local = pair ? stats.get(pair.localCandidateId) : undefined;
    const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
    return {
      framesDecoded,
      iceServers: pc.getConfiguration().iceServers?.flatMap((s) => s.urls) ?? [],
      local: local && { type: local.candidateType, relayProtocol: local.relayProtocol, port: local.port },
      remote: remote && { type: remote.candidateType, port: remote.port },
    };
  });
}

let browser;

before(async () => {
  if (skip) return;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: kChromiumArgs });
});

after(async () => {
  await browser?.close();
});

describe('a call through TURN over TCP', { skip }, () => {
  const room = `turn-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(async () => {
    for (const person of people) {
      if (person.problems.length) console.error(`[${person.name}]\n  ${person.problems.join('\n  ')}`);
      await person.context.close().catch(() => undefined);
    }
  });

  test('two pages decode each other over a relayed candidate pair', { timeout: 90_000 }, async () => {
    for (const name of ['Ann', 'Ben']) people.push(await openParticipant(browser, room, name));
    for (const { name, page } of people) {
      await eventually(`${name} joined`, () => page.evaluate(() => window.__rounds.state === 'joined'), 20_000);
    }
    for (const { name, page } of people) {
      const first = await eventually(
        `${name} decodes video through the relay`,
        async () => {
          const s = await transportStats(page);
          return s && s.framesDecoded > 0 && s.local && s;
        },
        40_000,
      );
      assert.deepEqual(first.iceServers, ['turn:127.0.0.1:3478?transport=tcp'], `${name}'s ICE servers`);
      assert.equal(first.local.type, 'relay', `${name}'s selected local candidate: ${JSON.stringify(first.local)}`);
      assert.equal(first.local.relayProtocol, 'tcp', `${name} reaches coturn over TCP`);
      assert.ok(first.local.port >= 50000 && first.local.port <= 50100, `relay port ${first.local.port}`);
      assert.equal(first.remote.type, 'host', `${name}'s remote candidate is the server's host candidate`);
      assert.equal(first.remote.port, 40100);
      await sleep(2_000);
      const second = await transportStats(page);
      assert.ok(
        second.framesDecoded > first.framesDecoded,
        `${name} keeps decoding (${first.framesDecoded} → ${second.framesDecoded} frames)`,
      );
    }
  });
});
