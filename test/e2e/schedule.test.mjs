// Browser end-to-end test of series across time zones: a host in Asia/Shanghai schedules a weekly
// series through the REST API and invites a colleague; Chromium pages whose clock runs in
// America/New_York (and in Asia/Shanghai, in Chinese) open the personal join link and see each
// occurrence at the right local time before and after the US change to daylight time
// (14 March 2027), with the zone named, and can reach the schedule by keyboard.
// Run by test/e2e/run.sh, which sets ROUNDS_URL and creates the operator account it signs in with.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { hostSession, launchChromium } from './lib/browser.mjs';


const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const operator = process.env.ROUNDS_E2E_HOST_EMAIL;
const skip =
  baseUrl && operator ? false : 'ROUNDS_URL/ROUNDS_E2E_HOST_EMAIL not set: run test/e2e/run.sh';

async function api(method, route, { body, session, headers = {} } = {}) {
  const res = await fetch(baseUrl + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(session ? { authorization: `Bearer ${session}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

function expectStatus(reply, status, what) {
  assert.equal(reply.status, status, `${what}: ${JSON.stringify(reply.json)}`);
  return reply.json;
}

/** The rows of the schedule as [date, time, status] once all `n` are shown. */
async function scheduleRows(page, n) {
  await page.waitForFunction(
    (count) => document.querySelectorAll('#schedule tbody tr').length === count,
    n,
    { timeout: 15000 },
  );
  return page.$$eval('#schedule tbody tr', (rows) =>
    rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
  );
}

let browser;
before(async () => {
  if (skip) return;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

describe('a weekly series across time zones', { skip }, () => {
  let joinPath;

  before(async () => {
    const person = (name, timeZone, country, language) => ({
      displayName: name,
      country,
      discipline: 'critical care',
      language,
      timeZone,
    });
    expectStatus(
      await api('POST', '/api/accounts', {
        body: {
          ...person('Dr Li', 'Asia/Shanghai', 'CN', 'zh-CN'),
          email: 'li@e2e.test',
          password: 'e2e password that is long',
        },
        session: await hostSession(baseUrl),
      }),
      201,
      'Dr Li\'s host account, created by the operator',
    );
    const session = expectStatus(
      await api('POST', '/api/sessions', {
        body: { email: 'li@e2e.test', password: 'e2e password that is long' },
      }),
      201,
      'login',
    ).token;
    const invitee = expectStatus(
      await api('POST', '/api/people', {
        session,
        body: person('Dr Smith', 'America/New_York', 'US', 'en-US'),
      }),
      201,
      'invitee',
    );
    // Tuesdays 21:00 in Shanghai, four times from 2 March 2027; the US changes on 14 March.
    const series = expectStatus(
      await api('POST', '/api/series', {
        session,
        body: {
          title: 'Critically ill patients: weekly rounds',
          timeZone: 'Asia/Shanghai',
          start: '2027-03-02T21:00',
          durationMinutes: 60,
          recurrence: { frequency: 'weekly', weekdays: ['TU'], count: 4 },
        },
      }),
      201,
      'series',
    );
    const invited = expectStatus(
      await api('POST', `/api/series/${series.id}/invitations`, {
        session,
        body: { invitees: [{ personId: invitee.id }] },
      }),
      201,
      'invitation',
    );
    const url = new URL(invited.invitations[0].joinUrl);
    joinPath = url.pathname + url.search;
  });

  test('an invitee in New York sees 08:00 EST, then 09:00 EDT after the change', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(baseUrl + joinPath);
      const rows = await scheduleRows(page, 4);
      assert.deepEqual(rows, [
        ['2027-03-02', '08:00–09:00 EST', 'Scheduled'],
        ['2027-03-09', '08:00–09:00 EST', 'Scheduled'],
        ['2027-03-16', '09:00–10:00 EDT', 'Scheduled'],
        ['2027-03-23', '09:00–10:00 EDT', 'Scheduled'],
      ]);
      assert.equal(
        await page.textContent('#schedule-zone'),
        'Times shown in America/New_York',
      );
      // Keyboard: Tab reaches the schedule table (focusable, with a caption naming the zone).
      let reached = false;
      for (let i = 0; i < 12 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.matches('table.schedule') ?? false);
      }
      assert.ok(reached, 'the schedule table is reachable by Tab');
    } finally {
      await context.close();
    }
  });

  test('the organiser in Shanghai sees 21:00 CST throughout, in Chinese', async () => {
    const context = await browser.newContext({ timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(baseUrl + joinPath);
      const rows = await scheduleRows(page, 4);
      for (const row of rows) assert.equal(row[1], '21:00–22:00 CST');
      assert.equal(rows[2][0], '2027-03-16');
      assert.equal(await page.textContent('#schedule-zone'), '时间以 Asia/Shanghai 时区显示');
      assert.equal(await page.textContent('#schedule-heading'), '您的日程');
    } finally {
      await context.close();
    }
  });
});
