// A browser behind a link of limited rate, for the simulcast test: test/e2e/run.sh makes a network
// namespace joined to its own by a veth pair (ROUNDS_SIMULCAST_NETNS, the server end of the pair
// ROUNDS_SIMULCAST_DEV); this module launches Chromium inside that namespace (Playwright talks to
// it over a pipe, which crosses namespaces) and limits the server's sending rate towards it with a
// tbf qdisc on the server end (this kernel has no netem; tbf works).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium, kChromiumArgs } from './browser.mjs';

/** Chromium flags for pages on `origin` (an address other than 127.0.0.1, so not a secure context). */
export function chromiumArgsFor(origin) {
  const host = new URL(origin).hostname;
  return kChromiumArgs
    .map((arg) => (arg.startsWith('--host-resolver-rules=') ? `${arg} , EXCLUDE ${host}` : arg))
    .concat([`--unsafely-treat-insecure-origin-as-secure=${origin}`]);
}

/** Launches Chromium inside network namespace `netns` (`ip netns exec` through a wrapper script). */
export async function launchChromiumIn(netns, origin) {
  const dir = mkdtempSync(path.join(tmpdir(), 'rounds-shaped-'));
  const wrapper = path.join(dir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${netns}' /usr/bin/chromium "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browser = await chromium.launch({ executablePath: wrapper, args: chromiumArgsFor(origin) });
  browser.on('disconnected', () => rmSync(dir, { recursive: true, force: true }));
  return browser;
}

/** Launches Chromium in this (the server's) namespace, for pages on `origin`. */
export function launchChromiumFor(origin) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgsFor(origin) });
}

/** Limits what leaves `dev` to `rate` (tc syntax, e.g. '300kbit'); queued packets wait up to 200 ms. */
export function limitRate(dev, rate) {
  execFileSync('tc', ['qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', rate, 'burst', '16kbit', 'latency', '200ms']);
}

/** Removes the limit (back to the default qdisc). */
export function removeLimit(dev) {
  try {
    execFileSync('tc', ['qdisc', 'del', 'dev', dev, 'root'], { stdio: 'ignore' });
  } catch {
    // No qdisc to delete: already unlimited.
  }
}
