// Shared helpers of the browser tests of series rooms and clinical pages (lobby, hostctl,
// clinical): the REST API of the server under test, and one Chromium whose pages each get a fresh
// context (own storage), optionally signed in as a host, with page errors collected.
import assert from 'node:assert/strict';

import { launchChromium } from './browser.mjs';

/**
 * Calls the REST API of `baseUrl`: `session` as a bearer token, `invite` as X-Invite-Token.
 * Resolves with { status, json } whatever the status.
 */
export async function apiRequest(baseUrl, method, route, { session, invite, body } = {}) {
  const res = await fetch(baseUrl + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(session ? { authorization: `Bearer ${session}` } : {}),
      ...(invite ? { 'x-invite-token': invite } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** As apiRequest, and fails the test unless the status is 2xx; resolves with the JSON body. */
export async function apiOk(baseUrl, method, route, options) {
  const r = await apiRequest(baseUrl, method, route, options);
  assert.ok(r.status < 300, `${method} ${route}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

/** One Chromium for a test file; launch() in before(), close() in after(). */
export class SeriesPages {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.browser = null;
    this.contexts = [];
    this.problems = [];
  }

  async launch() {
    this.browser = await launchChromium();
  }

  /**
   * A page at `path` in a fresh context; `hostToken` is stored where the client looks for a
   * host's sign-in; `acceptDialogs` answers confirm() with yes.
   */
  async open(who, path, { hostToken, locale = 'en-US', timezoneId, viewport = { width: 960, height: 540 }, acceptDialogs = false } = {}) {
    const context = await this.browser.newContext({ viewport, locale, ...(timezoneId ? { timezoneId } : {}) });
    this.contexts.push(context);
    await context.grantPermissions(['camera', 'microphone'], { origin: this.baseUrl });
    if (hostToken) {
      await context.addInitScript((token) => localStorage.setItem('rounds.hostSession', token), hostToken);
    }
    const page = await context.newPage();
    page.on('pageerror', (error) => this.problems.push(`[${who}] pageerror: ${error.message}`));
    if (acceptDialogs) page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(this.baseUrl + path);
    return page;
  }

  async close() {
    if (this.problems.length) console.error(this.problems.join('\n'));
    for (const context of this.contexts) await context.close().catch(() => undefined);
    await this.browser?.close();
  }
}
