// A participant behind a bad network for the browser tests (docs/testing-network.md): a network
// namespace of its own whose only way to the server is a rounds-netem link (two tun devices with
// loss, delay + jitter, rate limits), and a Chromium launched inside that namespace through a
// wrapper script (`ip netns exec <ns> /usr/bin/chromium "$@"`) given to Playwright as its binary.
// Needs root and ROUNDS_NETEM (the rounds-netem binary; test/e2e/run.sh sets it).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium, kChromiumArgs } from './browser.mjs';

/** The server's end of every link; run.sh's netem server announces it (--announced-address). */
export const kServerAddress = '10.77.0.1';
export const kClientAddress = '10.77.0.2';
const kPrefix = 24;

export const netemBinary = process.env.ROUNDS_NETEM;

// The server's address must get through the resolver rules that block every other host, and its
// plain-HTTP origin must count as secure (camera and microphone need a secure context; only
// 127.0.0.1 and localhost are one by themselves).
function chromiumArgs() {
  const args = kChromiumArgs.map((arg) =>
    arg.startsWith('--host-resolver-rules=') ? `${arg} , EXCLUDE ${kServerAddress}` : arg,
  );
  const origin = process.env.ROUNDS_NETEM_URL ? new URL(process.env.ROUNDS_NETEM_URL).origin : `http://${kServerAddress}`;
  return [...args, `--unsafely-treat-insecure-origin-as-secure=${origin}`];
}

function ip(...args) {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

/**
 * Creates the namespace and the link, with `impairment` (control-file text, e.g.
 * 'both loss=5 delay=50 jitter=10') from the start. Resolves once both tun devices are up.
 */
export async function openImpairedLink(impairment = '') {
  const ns = `${process.env.ROUNDS_E2E_NETNS_PREFIX ?? 'rounds-e2e-'}${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'rounds-netem-'));
  const control = path.join(dir, 'control');
  writeFileSync(control, `${impairment}\n`);
  const wrapper = path.join(dir, 'chromium-in-netns');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} /usr/bin/chromium "$@"\n`);
  chmodSync(wrapper, 0o755);
  ip('netns', 'add', ns);

  const child = spawn(
    netemBinary,
    ['--b-netns', ns, '--a-address', `${kServerAddress}/${kPrefix}`, '--b-address', `${kClientAddress}/${kPrefix}`,
      '--control', control, '--duration', '600'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rounds-netem did not start: ${output}`)), 5_000);
    const check = () => {
      if (output.includes('ready ')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rounds-netem exited (${code}): ${output}`));
    });
  });

  /** The counters rounds-netem prints on SIGUSR2, per direction ('a-to-b': towards the client). */
  async function stats() {
    const mark = output.length;
    child.kill('SIGUSR2');
    for (let i = 0; i < 40 && (output.slice(mark).match(/^stats /gm) ?? []).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const result = {};
    for (const m of output.slice(mark).matchAll(/stats (\S+) (.*)/g)) {
      result[m[1]] = Object.fromEntries(m[2].split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    }
    return result;
  }

  let closed = false;
  return {
    ns,
    serverAddress: kServerAddress,
    clientAddress: kClientAddress,
    prefix: kPrefix,
    device: 'rnetem1',  // the client's end, inside ns
    /** Replaces every impairment (an empty text lifts them all). */
    async set(text) {
      writeFileSync(control, `${text}\n`);
      const mark = output.length;
      child.kill('SIGUSR1');
      for (let i = 0; i < 40 && !output.slice(mark).includes('settings b-to-a'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stats,
    /** Runs `ip <args>` inside the client's namespace (e.g. to change its address). */
    ipInside: (...args) => ip('-n', ns, ...args),
    /** Chromium inside the namespace, reaching the server only through the link. */
    launchChromium: () => chromium.launch({ executablePath: wrapper, args: chromiumArgs() }),
    /** Chromium in this (the server's) namespace, for the unimpaired participants of the test. */
    launchChromiumHere: () => chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs() }),
    output: () => output,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
