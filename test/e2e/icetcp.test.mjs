// Browser end-to-end test of ICE-TCP (RFC 6544): two Chromium pages join a room on a rounds server
// whose UDP media port drops every datagram (an nftables rule, as a hospital firewall would), so
// the only way in is the server's passive TCP candidate. Media must flow, and each page's selected
// candidate pair must be TCP on both ends. Run by test/e2e/run.sh, which starts that server and
// sets ROUNDS_ICETCP_URL; without it the test is skipped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { closeParticipants, decodeEachOther, launchChromium } from './lib/browser.mjs';

const baseUrl = process.env.ROUNDS_ICETCP_URL?.replace(/\/$/, '');
const mediaPort = Number(process.env.ROUNDS_ICETCP_PORT ?? 0);
const skip = baseUrl ? false : 'ROUNDS_ICETCP_URL is not set: run test/e2e/run.sh <rounds-binary>';

let browser;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('a call when UDP is blocked', { skip }, () => {
  const room = `icetcp-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(() => closeParticipants(people));

  test('two pages decode each other over ICE-TCP', { timeout: 90_000 }, async () => {
    await decodeEachOther(browser, baseUrl, room, ['Ada', 'Bo'], people, 'over TCP', (name, first) => {
      assert.equal(first.local.protocol, 'tcp', `${name}'s selected local candidate: ${JSON.stringify(first.local)}`);
      assert.equal(first.remote.protocol, 'tcp', `${name}'s selected remote candidate: ${JSON.stringify(first.remote)}`);
      assert.equal(first.remote.port, mediaPort, `${name} reaches the server's ICE-TCP port`);
    });
  });
});
