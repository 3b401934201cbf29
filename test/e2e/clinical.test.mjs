// Browser end-to-end test of the clinical pages (docs/client.md "Clinical pages"): host sign-in and
// sign-out by keyboard; a case containing a phone number and a full name is blocked with both spans
// shown, fixed and justified, approved by the host and shown when its agenda item starts; questions
// order by votes, the host answers one, and a later session finds it by a FAQ search (in Chinese
// too, with a two-character term). Real server and SQLite, run by test/e2e/run.sh.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { eventually, hostSession } from './lib/browser.mjs';
import { apiOk, apiRequest, SeriesPages } from './lib/series_pages.mjs';

const baseUrl = process.env.ROUNDS_URL?.replace(/\/$/, '');
const skip =
  baseUrl && process.env.ROUNDS_E2E_HOST_EMAIL ? false : 'ROUNDS_URL/ROUNDS_E2E_HOST_EMAIL not set: run test/e2e/run.sh';

const pages = new SeriesPages(baseUrl);
const api = (method, route, options) => apiRequest(baseUrl, method, route, options);
const ok = (method, route, options) => apiOk(baseUrl, method, route, options);

before(async () => {
  if (!skip) await pages.launch();
});
after(() => pages.close());

/** A fresh browser session (own storage) at `path`; `hostToken` stored as the host's sign-in. */
const openPage = (who, path, { hostToken, locale = 'en-US', timezoneId = 'America/New_York' } = {}) =>
  pages.open(who, path, { hostToken, locale, timezoneId, viewport: { width: 1000, height: 800 } });

const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));

describe('clinical pages', { skip }, () => {
  let session; // the operator's (hosts the series)
  let sid;
  let mid;
  let presenter; // invite token of Dr Chen, who presents the case
  let colleague; // invite token of Dr Ana

  before(async () => {
    session = await hostSession(baseUrl);
    const person = (displayName) =>
      ok('POST', '/api/people', {
        session,
        body: { displayName, country: 'CN', discipline: 'critical care', language: 'en', timeZone: 'Asia/Shanghai' },
      });
    const chen = await person(`Dr Chen ${randomBytes(2).toString('hex')}`);
    const ana = await person(`Dr Ana ${randomBytes(2).toString('hex')}`);
    const series = await ok('POST', '/api/series', {
      session,
      body: { title: 'Sepsis rounds', timeZone: 'Asia/Shanghai', start: '2027-03-02T21:00', durationMinutes: 60 },
    });
    sid = series.id;
    const invited = await ok('POST', `/api/series/${sid}/invitations`, {
      session,
      body: { invitees: [{ personId: chen.id }, { personId: ana.id }] },
    });
    [presenter, colleague] = invited.invitations.map((i) => i.token);
    // A meeting running now (started a minute ago), with one agenda item for the case.
    const meeting = await ok('POST', `/api/series/${sid}/meetings`, {
      session,
      body: { title: 'Week 1: septic shock', startsAt: Date.now() - 60_000, durationMinutes: 120 },
    });
    mid = meeting.id;
    await ok('POST', `/api/meetings/${mid}/agenda`, { session, body: { title: 'Refractory shock case', minutes: 20 } });
  });

  test('a host signs in and out with the keyboard', { timeout: 30_000 }, async () => {
    const page = await openPage('host', '/signin');
    await page.waitForSelector('#signin-email:focus');
    await page.keyboard.type(process.env.ROUNDS_E2E_HOST_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.getElementById('signin-error').hidden);
    assert.equal(await page.textContent('#signin-error'), 'Wrong e-mail or password.');
    await page.fill('#signin-password', process.env.ROUNDS_E2E_HOST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#signed-in-as');
    assert.match(await page.textContent('#signed-in-as'), /^Signed in as E2E operator \(/);
    const token = await page.evaluate(() => localStorage.getItem('rounds.hostSession'));
    assert.equal((await api('GET', '/api/me', { session: token })).status, 200);
    await eventually('the series is listed with a link', () => page.$(`#my-series a[href="/s/${sid}"]`), 5_000);
    await page.focus('#sign-out');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#signin-email');
    assert.equal(await page.evaluate(() => localStorage.getItem('rounds.hostSession')), null);
    assert.equal((await api('GET', '/api/me', { session: token })).status, 401, 'the session is revoked');
  });

  test('a case with a phone number and a full name is blocked with both spans shown', { timeout: 60_000 }, async () => {
    const chen = await openPage('presenter', `/m/${mid}?invite=${presenter}`);
    await chen.click('#new-case');
    await chen.selectOption('#case-agenda', { label: 'Refractory shock case' });
    await chen.fill('#case-ageBand', '60-69');
    await chen.selectOption('#case-sex', 'male');
    await chen.fill('#case-history', 'Mr. John Smith, hypertension. Daughter: +44 20 7946 0958.');
    await chen.fill('#case-presentation', 'Fever and hypotension despite 3 L of fluid.');
    await chen.fill('#case-question', 'Add vasopressin or hydrocortisone first?');
    await chen.click('#case-submit');
    await chen.waitForSelector('#case-history-flags .span-item');
    // Both spans, each with its kind and reason, highlighted in the field's text.
    const items = await chen.$$eval('#case-history-flags .span-item', (els) =>
      els.map((e) => [e.dataset.kind, e.querySelector('.span-text').textContent, e.querySelector('.kind').textContent]),
    );
    assert.deepEqual(items, [
      ['name', 'Mr. John Smith', 'Name'],
      ['phone', '+44 20 7946 0958', 'Phone number'],
    ]);
    assert.deepEqual(await texts(chen, '#case-history-flags .preview mark'), ['Mr. John Smith', '+44 20 7946 0958']);
    assert.match(await chen.textContent('#case-flags'), /2 possible identifier/);
    assert.equal(await chen.getAttribute('#case-history', 'aria-invalid'), 'true');
    const caseId = (await ok('GET', `/api/meetings/${mid}/cases`, { invite: presenter })).cases[0].id;
    assert.equal((await ok('GET', `/api/meetings/${mid}/cases/${caseId}`, { invite: presenter })).status, 'draft');

    // Fix the name, justify the phone number (the hospital's public switchboard), submit again.
    await chen.fill('#case-history', 'A man with hypertension. Daughter: +44 20 7946 0958.');
    await chen.fill('#case-history-flags .span-item[data-kind="phone"] input', 'public hospital switchboard');
    await chen.click('#case-submit');
    await eventually('submitted', async () => (await chen.textContent('#case-status')) === 'Submitted for review.', 10_000);
    assert.equal(await chen.isHidden('#case-flags'), true);

    // The colleague does not see it yet; the host approves it from the review queue and starts the item.
    const ana = await openPage('colleague', `/m/${mid}?invite=${colleague}`);
    await ana.waitForSelector('#cases[data-loaded]', { state: 'attached' });
    const host = await openPage('host', `/m/${mid}`, { hostToken: session });
    await host.click(`#cases li[data-case-id="${caseId}"][data-status="submitted"] button.open`);
    await host.click('#case-detail button.approve');
    await host.waitForSelector(`#cases li[data-case-id="${caseId}"][data-status="approved"]`);
    assert.equal(await ana.$(`#cases li[data-case-id="${caseId}"]`), null, 'not shown before its item starts');
    const before = await ok('GET', `/api/meetings/${mid}/cases`, { invite: colleague });
    assert.deepEqual(before.cases, [], 'the API does not list it to the colleague yet');
    // In the room too: the colleague's side panel shows the case, whole, once its item starts.
    const room = await openPage('colleague in the room', `/r/series-${sid}?invite=${colleague}&name=Ana&autojoin=1`);
    await room.waitForSelector('#room-meeting .case-panel', { state: 'attached', timeout: 20_000 });
    assert.equal(await room.$('#room-meeting article.case-view'), null);
    await host.click('#agenda-next');
    await ana.waitForSelector(`#cases li[data-case-id="${caseId}"][data-status="approved"]`, { timeout: 8_000 });
    await room.waitForSelector(`#room-meeting article.case-view[data-case-id="${caseId}"]`, { timeout: 8_000 });
    assert.equal(
      await room.textContent(`#room-meeting article.case-view dd[data-field="history"]`),
      'A man with hypertension. Daughter: +44 20 7946 0958.',
    );
  });

  test('questions order by votes; an answered one is found by a FAQ search from a later session', { timeout: 40_000 }, async () => {
    const ana = await openPage('colleague', `/m/${mid}?invite=${colleague}`);
    const chen = await openPage('presenter', `/m/${mid}?invite=${presenter}`);
    const host = await openPage('host', `/m/${mid}`, { hostToken: session });
    const ask = async (page, text, anonymous) => {
      await page.fill(`#qa-text-${mid}`, text);
      if (anonymous) await page.check(`#qa-anonymous-${mid}`);
      await page.click(`form.ask button[type="submit"]`);
      await page.waitForFunction((q) => [...document.querySelectorAll('#questions .text')].some((e) => e.textContent === q), text);
    };
    await ask(ana, 'Is early prone positioning useful?', false);
    await ask(chen, 'When should vasopressors be weaned?', true);
    // Two votes for the later question (one each); a repeated vote does not count.
    const weanId = await chen.$$eval(
      '#questions li',
      (els, q) => els.find((e) => e.querySelector('.text').textContent === q).dataset.questionId,
      'When should vasopressors be weaned?',
    );
    const votesOn = (page) => page.textContent(`#questions li[data-question-id="${weanId}"] .votes`);
    const vote = async (page, expected) => {
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/questions/${weanId}/vote`) && r.status() === 200),
        page.click(`#vote-${weanId}`),
      ]);
      await eventually(`${expected} after the vote`, async () => (await votesOn(page)) === expected, 5_000);
    };
    await ana.waitForSelector(`#vote-${weanId}`);
    await vote(ana, 'Votes: 1');
    await chen.waitForSelector(`#vote-${weanId}`);
    await vote(chen, 'Votes: 2');
    await vote(ana, 'Votes: 2'); // a repeated vote does not count
    const stored = await ok('GET', `/api/meetings/${mid}/questions`, { session });
    assert.equal(stored.questions.find((q) => q.id === Number(weanId)).votes, 2);
    const expected = ['When should vasopressors be weaned?', 'Is early prone positioning useful?'];
    await eventually(
      'the host sees most votes first',
      async () =>
        JSON.stringify(await texts(host, '#questions .text')) === JSON.stringify(expected) &&
        (await votesOn(host)) === 'Votes: 2',
      8_000,
    );
    // Anonymous to the room, known to the host.
    const seenByAna = await ana.textContent(`#questions li[data-question-id="${weanId}"] .meta`);
    assert.match(seenByAna, /anonymous/);
    assert.doesNotMatch(seenByAna, /Dr Chen/);
    assert.match(await host.textContent(`#questions li[data-question-id="${weanId}"] .meta`), /Dr Chen .* \(anonymous to the room\)/);

    await host.fill(`#answer-${weanId}`, 'Once MAP stays above 65 for 24 h; 逐渐减停升压药.');
    await host.click(`#questions li[data-question-id="${weanId}"] .answer-button`);
    await ana.waitForSelector(`#questions li[data-question-id="${weanId}"] .answer`, { timeout: 8_000 });

    // A later session: a new browser context, only the personal link.
    const later = await openPage('later', `/s/${sid}/faq?invite=${colleague}`);
    await later.waitForSelector('#faq-query:focus');
    await later.keyboard.type('weaned');
    await later.keyboard.press('Enter');
    await later.waitForFunction(() => document.getElementById('faq-status').textContent === '1 answered question(s) found for "weaned".');
    assert.deepEqual(await texts(later, '#faq-results .question'), ['When should vasopressors be weaned?']);
    assert.equal(await later.getAttribute('#faq-results .meeting-link', 'href'), `/m/${mid}?invite=${colleague}`);
    assert.match(await later.textContent('#faq-results .meeting-date'), /^\d{4}-\d\d-\d\d \d\d:\d\d \(America\/New_York\)$/);
    assert.equal(await later.textContent('#faq-zone'), 'Times shown in America/New_York');
    // The CSV export, fetched with the invitation and saved as a file.
    const [csv] = await Promise.all([later.waitForEvent('download'), later.click('button.export-csv')]);
    assert.equal(csv.suggestedFilename(), `faq-series-${sid}.csv`);
    const csvText = await readFile(await csv.path(), 'utf8');
    assert.match(csvText, /^question_id,meeting_id,meeting,/);
    assert.match(csvText, /,When should vasopressors be weaned\?,/);
    await later.fill('#faq-query', 'prone');
    await later.keyboard.press('Enter');
    await later.waitForFunction(() => document.getElementById('faq-status').textContent.startsWith('Nothing found'));
  });

  test('in Chinese: the FAQ finds a two-character term', { timeout: 20_000 }, async () => {
    const page = await openPage('zh', `/s/${sid}/faq?invite=${presenter}`, { locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await page.waitForSelector('#faq-query:focus');
    assert.equal(await page.textContent('#faq-heading'), '本系列的问答');
    assert.equal(await page.textContent('#faq-zone'), '时间以 Asia/Shanghai 时区显示');
    await page.fill('#faq-query', '升压');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('faq-status').textContent === '找到 1 个与“升压”相关的已回答问题。');
    assert.match(await page.textContent('#faq-results .answer'), /逐渐减停升压药/);
    assert.match(await page.textContent('#faq-results .meta'), /^主题：Week 1: septic shock · /);
  });
});
