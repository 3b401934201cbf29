// Browser end-to-end test of ICE-TCP (RFC 6544): two Chromium pages join a room on a rounds server
// whose UDP media port drops every datagram (an nftables rule, as a hospital firewall would), so
// the only way in is the server's passive TCP candidate. Media must flow, and each page's selected
// candidate pair must be TCP on both ends. Run by test/e2e/run.sh, which starts that server and
// sets ROUNDS_ICETCP_URL; without it the test is skipped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { closeParticipants, eventually, launchChromium, openParticipant, transportStats } from './lib/browser.mjs';

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
    for (const name of ['Ada', 'Bo']) people.push(await openParticipant(browser, baseUrl, room, name));
    for (const { name, page } of people) {
      await eventually(`${name} joined`, () => page.evaluate(() => window.__rounds.state === 'joined'), 20_000);
    }
    for (const { name, page } of people) {
      const first = await eventually(
        `${name} decodes video over TCP`,
        async () => {
          const s = await transportStats(page);
          return s && s.framesDecoded > 0 && s.local && s;
        },
        40_000,
      );
      assert.equal(first.local.protocol, 'tcp', `${name}'s selected local candidate: ${JSON.stringify(first.local)}`);
      assert.equal(first.remote.protocol, 'tcp', `${name}'s selected remote candidate: ${JSON.stringify(first.remote)}`);
      assert.equal(first.remote.port, mediaPort, `${name} reaches the server's ICE-TCP port`);
      await sleep(2_000);
      const second = await transportStats(page);
      assert.ok(
        second.framesDecoded > first.framesDecoded,
        `${name} keeps decoding (${first.framesDecoded} → ${second.framesDecoded} frames)`,
      );
    }
  });
});
