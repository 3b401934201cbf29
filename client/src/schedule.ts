// The invitee's schedule: on /r/<room>?invite=<token> the join screen also lists the series'
// occurrences in the viewer's own time zone (the browser's), with the zone named on every row, as
// the server computes them from the tz database (docs/api.md, /api/invitations/<token>/occurrences).
import { t } from './strings';
import { h } from './ui/dom';

interface Zoned {
  local: string; // "2027-03-16T09:00:00-04:00"
  timeZone: string;
  abbreviation: string;
}

interface Occurrence {
  originalStart: string;
  status: 'scheduled' | 'cancelled' | 'moved';
  start: Zoned;
  end: Zoned;
}

interface OccurrencesReply {
  title: string;
  timeZone: string;
  occurrences: Occurrence[];
}

/** The zone the browser runs in (an IANA name), or UTC if it will not say. */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** "2027-03-16T09:00:00-04:00" -> { date: "2027-03-16", time: "09:00" } (wall time as given). */
export function splitLocal(local: string): { date: string; time: string } {
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: 'omit', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(String(res.status));
  return (await res.json()) as T;
}

function row(o: Occurrence): HTMLElement {
  const start = splitLocal(o.start.local);
  const end = splitLocal(o.end.local);
  const status =
    o.status === 'cancelled'
      ? t('scheduleCancelled')
      : o.status === 'moved'
        ? t('scheduleMoved')
        : t('scheduleScheduled');
  return h(
    'tr',
    { class: `occurrence ${o.status}`, 'data-start': o.start.local },
    h('td', {}, start.date),
    h('td', {}, `${start.time}–${end.time} ${o.start.abbreviation}`),
    h('td', {}, status),
  );
}

/** Fetches and renders the schedule for `token` into a new section appended to `parent`. */
export async function showSchedule(token: string, parent: HTMLElement): Promise<void> {
  const zone = viewerTimeZone();
  const section = h('section', {
    id: 'schedule',
    'aria-labelledby': 'schedule-heading',
    'aria-busy': 'true',
  });
  const heading = h('h2', { id: 'schedule-heading', tabindex: -1 }, t('scheduleHeading'));
  section.append(heading, h('p', {}, t('scheduleLoading')));
  parent.append(section);
  try {
    const base = `/api/invitations/${encodeURIComponent(token)}`;
    const invitation = await fetchJson<{ series: { startUtc: string } }>(base);
    const from = invitation.series.startUtc;
    const to = new Date(Date.parse(from) + 399 * 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const reply = await fetchJson<OccurrencesReply>(
      `${base}/occurrences?tz=${encodeURIComponent(zone)}&from=${encodeURIComponent(from)}` +
        `&to=${encodeURIComponent(to)}`,
    );
    const table = h(
      'table',
      { class: 'schedule', tabindex: 0 },
      h('caption', {}, t('scheduleZone', { zone: reply.timeZone })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('scheduleDate')),
          h('th', { scope: 'col' }, t('scheduleTime')),
          h('th', { scope: 'col' }, t('scheduleStatus')),
        ),
      ),
      h('tbody', {}, ...reply.occurrences.map(row)),
    );
    section.replaceChildren(
      heading,
      h('p', { id: 'schedule-title' }, reply.title),
      h('p', { id: 'schedule-zone' }, t('scheduleZone', { zone: reply.timeZone })),
      table,
    );
  } catch (error) {
    const code = error instanceof Error ? error.message : '';
    section.replaceChildren(
      heading,
      h(
        'p',
        { class: 'error', role: 'alert' },
        code === '403' ? t('scheduleRevoked') : t('scheduleUnavailable'),
      ),
    );
  } finally {
    section.removeAttribute('aria-busy');
  }
}
