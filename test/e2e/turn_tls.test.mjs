// Browser end-to-end test of TURN over TLS on port 443 (docs/turn.md "TURN over TLS on 443"): two
// Chromium pages in a network namespace that may send nothing but TCP to port 443 (nftables rules
// this test puts into that namespace: no UDP at all, no other TCP port) join a room on rounds over
// HTTPS (rounds.e2e.test:443). Rounds hands out only `turns:turn.e2e.test:443?transport=tcp`, a
// coturn that speaks TLS and nothing else. Media must flow both ways, and each page's selected
// candidate pair must have a relay candidate reached over TLS as its local end. test/e2e/run.sh
// makes the namespace, the veth pair, the certificates and both servers, and sets ROUNDS_TURNTLS_*.
//
// Trusting the test CA: Debian's Chromium verifies the certificate of a turns: server (measured:
// with an unknown CA the allocation fails with icecandidateerror 701 "Failed to establish
// connection"), and the page must be a secure context for the camera. certutil (libnss3-tools,
// for an NSS database in the profile) is not installed here, so the test passes
// --ignore-certificate-errors-spki-list with the SHA-256 of the test CA's SubjectPublicKeyInfo:
// Chromium then accepts a chain that contains that key, for pages and for TURN alike. Chromium
// honours the flag only together with --user-data-dir, which Playwright always passes. Nothing else
// is relaxed: names must still match (turn.e2e.test, rounds.e2e.test, resolved by
// --host-resolver-rules) and a certificate from another CA is still refused.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { chromium, closeParticipants, decodeEachOther, kChromiumArgs } from './lib/browser.mjs';

const baseUrl = process.env.ROUNDS_TURNTLS_URL?.replace(/\/$/, '');
const netns = process.env.ROUNDS_TURNTLS_NETNS;
const caFile = process.env.ROUNDS_TURNTLS_CA;
const skip = baseUrl && netns && caFile ? false : 'ROUNDS_TURNTLS_* are not set: run test/e2e/run.sh <rounds-binary>';

// The addresses run.sh gives the two servers on its end of the veth pair.
const kRoundsHost = 'rounds.e2e.test';
const kRoundsAddress = '10.79.0.1';
const kTurnHost = 'turn.e2e.test';
const kTurnAddress = '10.79.0.2';
const kTable = 'rounds_turntls';

/** Runs `nft` inside the browser's namespace; `input` goes to its stdin. */
function nft(args, input) {
  return execFileSync('ip', ['netns', 'exec', netns, 'nft', ...args], { input, encoding: 'utf8' });
}

// The hospital firewall: out of the browser's namespace only TCP to port 443 of the two servers;
// in only what belongs to those connections. Every UDP datagram and every other TCP segment the
// browser sends is counted and dropped.
const kFirewall = `
table inet ${kTable} {
  counter udp_dropped {}
  counter tcp_dropped {}
  counter tls_to_turn {}
  chain output {
    type filter hook output priority 0; policy drop;
    oifname "lo" accept
    ip daddr ${kTurnAddress} tcp dport 443 counter name tls_to_turn accept
    ip daddr ${kRoundsAddress} tcp dport 443 accept
    meta l4proto udp counter name udp_dropped drop
    meta l4proto tcp counter name tcp_dropped drop
  }
  chain input {
    type filter hook input priority 0; policy drop;
    iifname "lo" accept
    ct state established,related accept
  }
}
`;

/** Packets each named counter of the firewall has seen. */
function firewallCounters() {
  const { nftables } = JSON.parse(nft(['-j', 'list', 'counters', 'table', 'inet', kTable]));
  return Object.fromEntries(nftables.filter((o) => o.counter).map(({ counter }) => [counter.name, counter.packets]));
}

/** base64(SHA-256(SubjectPublicKeyInfo)) of the first certificate in `pemFile`, as Chromium wants it. */
function spkiHash(pemFile) {
  const spki = new X509Certificate(readFileSync(pemFile)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

function chromiumArgs() {
  return kChromiumArgs
    .map((arg) =>
      arg.startsWith('--host-resolver-rules=')
        ? `--host-resolver-rules=MAP ${kRoundsHost} ${kRoundsAddress} , MAP ${kTurnHost} ${kTurnAddress} , ${arg.slice(arg.indexOf('=') + 1)}`
        : arg,
    )
    .concat([`--ignore-certificate-errors-spki-list=${spkiHash(caFile)}`]);
}

let browser;
let wrapperDir;

before(async () => {
  if (skip) return;
  nft(['-f', '-'], kFirewall);
  wrapperDir = mkdtempSync(path.join(tmpdir(), 'rounds-turntls-'));
  const wrapper = path.join(wrapperDir, 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${netns}' /usr/bin/chromium "$@"\n`);
  chmodSync(wrapper, 0o755);
  browser = await chromium.launch({ executablePath: wrapper, args: chromiumArgs() });
});

after(async () => {
  await browser?.close();
  if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
  if (!skip) nft(['delete', 'table', 'inet', kTable]);
});

describe('a call through TURN over TLS on 443, with nothing but TCP 443 let out', { skip }, () => {
  const room = `turntls-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(() => closeParticipants(people));

  test('two pages decode each other over a relay reached by TLS', { timeout: 60_000 }, async () => {
    await decodeEachOther(browser, baseUrl, room, ['Ida', 'Jon'], people, 'through the TLS relay', (name, first) => {
      assert.deepEqual(first.iceServers, [`turns:${kTurnHost}:443?transport=tcp`], `${name}'s ICE servers`);
      assert.equal(first.local.type, 'relay', `${name}'s selected local candidate: ${JSON.stringify(first.local)}`);
      assert.equal(first.local.relayProtocol, 'tls', `${name} reaches coturn over TLS`);
      assert.equal(first.local.address, kTurnAddress, `${name}'s relayed address is coturn's`);
      assert.equal(first.remote.type, 'host', `${name}'s remote candidate is the server's host candidate`);
      assert.equal(first.remote.protocol, 'udp', 'coturn relays to rounds over UDP');
    });
    // The firewall was in the path: the pages tried UDP (their host candidates towards rounds'
    // media port) and it was dropped, while the relay's TLS connections went through.
    const counters = firewallCounters();
    assert.ok(counters.udp_dropped > 0, `UDP from the browser was dropped: ${JSON.stringify(counters)}`);
    assert.ok(counters.tls_to_turn > 0, `TCP to coturn's 443 passed: ${JSON.stringify(counters)}`);
  });
});
