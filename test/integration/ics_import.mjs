// Half of ics_import.sh: against a running rounds (argv: base URL, bootstrap token, output file),
// a Shanghai host creates a weekly series across the US change to daylight time (14 March 2027)
// with one cancelled and one moved occurrence, invites a New York colleague, and the invitee's
// personal .ics is written to the output file for a real calendar program to import.
import { writeFileSync } from 'node:fs';

const [base, bootstrapToken, outFile] = process.argv.slice(2);

async function api(method, route, { body, session, headers = {} } = {}) {
  const res = await fetch(base + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(session ? { authorization: `Bearer ${session}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${route}: ${res.status} ${text}`);
  return res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text;
}

const person = (displayName, timeZone, country, language) => ({
  displayName,
  country,
  discipline: 'critical care',
  language,
  timeZone,
});
const password = 'a calendar test password';
await api('POST', '/api/accounts', {
  headers: { 'X-Rounds-Bootstrap': bootstrapToken },
  body: { ...person('Dr Li', 'Asia/Shanghai', 'CN', 'zh-CN'), email: 'li@ics.test', password },
});
const { token: session } = await api('POST', '/api/sessions', {
  body: { email: 'li@ics.test', password },
});
const invitee = await api('POST', '/api/people', {
  session,
  body: person('Dr Smith', 'America/New_York', 'US', 'en-US'),
});
// Tuesdays 21:00 in Shanghai, four times from 2 March 2027.
const series = await api('POST', '/api/series', {
  session,
  body: {
    title: 'Critically ill patients: weekly rounds',
    timeZone: 'Asia/Shanghai',
    start: '2027-03-02T21:00',
    durationMinutes: 60,
    recurrence: { frequency: 'weekly', weekdays: ['TU'], count: 4 },
  },
});
await api('POST', `/api/series/${series.id}/exceptions`, {
  session,
  body: { originalStart: '2027-03-09T21:00', action: 'cancel' },
});
await api('POST', `/api/series/${series.id}/exceptions`, {
  session,
  body: { originalStart: '2027-03-16T21:00', action: 'move', newStart: '2027-03-17T20:00' },
});
const { invitations } = await api('POST', `/api/series/${series.id}/invitations`, {
  session,
  body: { invitees: [{ personId: invitee.id }] },
});
const ics = await api('GET', new URL(invitations[0].calendarUrl).pathname);
writeFileSync(outFile, ics);
