// Shared helpers of the browser end-to-end tests that run beside a second rounds server
// (turn.test.mjs, icetcp.test.mjs): Chromium flags for a loopback-only namespace
// (shared/design/TESTING.md), polling, joining a room, and reading a page's transport statistics.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const requireFromClient = createRequire(path.join(repoRoot, 'client', 'package.json'));
export const { chromium } = requireFromClient('playwright-core');

export const kChromiumArgs = [
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

export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: kChromiumArgs });
}

/** Polls fn until it returns a truthy value; fails with the last value after timeoutMs. */
export async function eventually(what, fn, timeoutMs, intervalMs = 250) {
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

/** A page that joins `room` on `baseUrl` with autojoin; collects page errors and warnings. */
export async function openParticipant(browser, baseUrl, room, name) {
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

/** Closes every participant's context, printing what went wrong on its page first. */
export async function closeParticipants(people) {
  for (const person of people) {
    if (person.problems.length) console.error(`[${person.name}]\n  ${person.problems.join('\n  ')}`);
    await person.context.close().catch(() => undefined);
  }
}

/** Video frames this page decoded in total, and what its selected candidate pair looks like. */
export async function transportStats(page) {
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
      local: local && {
        address: local.address,
        type: local.candidateType,
        protocol: local.protocol,
        relayProtocol: local.relayProtocol,
        port: local.port,
      },
      remote: remote && { type: remote.candidateType, protocol: remote.protocol, port: remote.port },
    };
  });
}

/**
 * A host session on the server of `baseUrl`: signs in as the operator account test/e2e/run.sh
 * created with the bootstrap token (ROUNDS_E2E_HOST_EMAIL / ROUNDS_E2E_HOST_PASSWORD).
 */
export async function hostSession(baseUrl) {
  const email = process.env.ROUNDS_E2E_HOST_EMAIL;
  const password = process.env.ROUNDS_E2E_HOST_PASSWORD;
  assert.ok(email && password, 'ROUNDS_E2E_HOST_EMAIL/PASSWORD are not set: run test/e2e/run.sh');
  const response = await fetch(`${baseUrl}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(response.status, 201, `operator sign-in: ${await response.clone().text()}`);
  return (await response.json()).token;
}

/**
 * Two (or more) pages join `room`; each must decode video, `checkPath(name, stats)` asserts what
 * its selected candidate pair looks like, and 2 s later it must have decoded more frames.
 */
export async function decodeEachOther(browser, baseUrl, room, names, people, what, checkPath) {
  for (const name of names) people.push(await openParticipant(browser, baseUrl, room, name));
  for (const { name, page } of people) {
    await eventually(`${name} joined`, () => page.evaluate(() => window.__rounds.state === 'joined'), 20_000);
  }
  for (const { name, page } of people) {
    const first = await eventually(
      `${name} decodes video ${what}`,
      async () => {
        const s = await transportStats(page);
        return s && s.framesDecoded > 0 && s.local && s;
      },
      40_000,
    );
    checkPath(name, first);
    await sleep(2_000);
    const second = await transportStats(page);
    assert.ok(
      second.framesDecoded > first.framesDecoded,
      `${name} keeps decoding (${first.framesDecoded} → ${second.framesDecoded} frames)`,
    );
  }
}
