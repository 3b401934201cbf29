// Browser end-to-end test of TURN (docs/turn.md): two Chromium pages join a room on a rounds server
// whose media port is closed to them by an nftables rule; only datagrams from coturn's relay ports
// get through, and coturn is reachable over TCP only. Media must flow, and each page's selected
// ICE candidate pair must be a relay candidate over TCP. Run by test/e2e/run.sh, which starts
// coturn and that server and sets ROUNDS_TURN_URL; without it the test is skipped.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { closeParticipants, decodeEachOther, launchChromium } from './lib/browser.mjs';

const baseUrl = process.env.ROUNDS_TURN_URL?.replace(/\/$/, '');
const skip = baseUrl ? false : 'ROUNDS_TURN_URL is not set: run test/e2e/run.sh <rounds-binary>';

let browser;

before(async () => {
  if (skip) return;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

describe('a call through TURN over TCP', { skip }, () => {
  const room = `turn-${randomBytes(6).toString('hex')}`;
  const people = [];

  after(() => closeParticipants(people));

  test('two pages decode each other over a relayed candidate pair', { timeout: 90_000 }, async () => {
    await decodeEachOther(browser, baseUrl, room, ['Ann', 'Ben'], people, 'through the relay', (name, first) => {
      assert.deepEqual(first.iceServers, ['turn:127.0.0.1:3478?transport=tcp'], `${name}'s ICE servers`);
      assert.equal(first.local.type, 'relay', `${name}'s selected local candidate: ${JSON.stringify(first.local)}`);
      assert.equal(first.local.relayProtocol, 'tcp', `${name} reaches coturn over TCP`);
      assert.ok(first.local.port >= 50000 && first.local.port <= 50100, `relay port ${first.local.port}`);
      assert.equal(first.remote.type, 'host', `${name}'s remote candidate is the server's host candidate`);
      assert.equal(first.remote.port, 40100);
    });
  });
});
