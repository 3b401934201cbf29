// The series page (/s/<sid>, for hosts by sign-in and invitees by ?invite=): where a meeting id
// comes from. Lists the series' meetings (GET /api/series/<sid>/meetings) with the one running now
// and the next marked, dates in the viewer's zone (named), links to each meeting's cases and Q&A,
// the room and the FAQ; hosts add a meeting here. seriesLinks() puts the same pointers under the
// join form of a series room.
import { t } from '../strings';
import { api, ApiError, formatLocal, viewerZone, withInvite } from './api';
import { h } from './dom';

export interface MeetingInfo {
  id: number;
  seriesId: number;
  title: string;
  startsAt: number;
  durationMinutes: number;
}

export interface MeetingList {
  seriesId: number;
  title: string;
  room: string;
  meetings: MeetingInfo[];
  current: number | null;
  next: number | null;
  you: { name: string; host: boolean };
}

function meetingItem(m: MeetingInfo, list: MeetingList): HTMLElement {
  const mark = m.id === list.current ? t('meetingNow') : m.id === list.next ? t('meetingNext') : '';
  return h(
    'li',
    { 'data-meeting-id': m.id, class: m.id === list.current ? 'current' : undefined },
    h('a', { href: withInvite(`/m/${m.id}`) }, m.title),
    ` · ${formatLocal(m.startsAt)}`,
    mark ? h('strong', { class: 'mark' }, ` · ${mark}`) : null,
  );
}

function createForm(sid: number, onCreated: () => void): HTMLElement {
  const title = h('input', { id: 'meeting-title', required: true, maxlength: 200 });
  const start = h('input', { id: 'meeting-start', type: 'datetime-local', required: true });
  const minutes = h('input', { id: 'meeting-minutes', type: 'number', min: 1, max: 1440, value: '60' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'new-meeting-heading' },
    h('h2', { id: 'new-meeting-heading' }, t('meetingNewHeading')),
    h('div', { class: 'field' }, h('label', { for: 'meeting-title' }, t('meetingTitle')), title),
    h('div', { class: 'field' }, h('label', { for: 'meeting-start' }, t('meetingStart', { zone: viewerZone() })), start),
    h('div', { class: 'field' }, h('label', { for: 'meeting-minutes' }, t('meetingMinutes')), minutes),
    error,
    h('button', { type: 'submit', class: 'primary' }, t('meetingCreate')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const startsAt = Date.parse(start.value); // datetime-local: the viewer's own wall time
    api('POST', `/api/series/${sid}/meetings`, {
      title: title.value.trim(),
      startsAt: Number.isFinite(startsAt) ? startsAt : 0,
      durationMinutes: Number(minutes.value),
    })
      .then(() => {
        form.reset();
        error.hidden = true;
        onCreated();
      })
      .catch((e: unknown) => {
        error.textContent = e instanceof ApiError ? e.describe() : String(e);
        error.hidden = false;
      });
  });
  return form;
}

export async function showSeriesPage(app: HTMLElement, sid: number): Promise<void> {
  const heading = h('h1', { tabindex: -1 }, t('seriesHeading'));
  const body = h('div', { 'aria-busy': 'true' }, h('p', {}, t('loading')));
  app.replaceChildren(h('main', { class: 'card page wide', id: 'series-page' }, heading, body));
  const load = async () => {
    try {
      const list = await api<MeetingList>('GET', `/api/series/${sid}/meetings`);
      heading.textContent = list.title;
      document.title = `${list.title} · ${t('appName')}`;
      const items = list.meetings.map((m) => meetingItem(m, list));
      const form = list.you.host ? createForm(sid, () => void load()) : '';
      body.replaceChildren(
        h('p', { id: 'series-zone' }, t('timesIn', { zone: viewerZone() })),
        h(
          'p',
          { class: 'links' },
          h('a', { id: 'room-link', href: withInvite(`/r/${list.room}`) }, t('seriesRoomLink')),
          ' · ',
          h('a', { id: 'faq-link', href: withInvite(`/s/${sid}/faq`) }, t('faqLink')),
        ),
        h('h2', {}, t('meetingsHeading')),
        items.length ? h('ul', { id: 'meetings' }, ...items) : h('p', { class: 'empty' }, t('meetingsEmpty')),
        form,
      );
    } catch (e) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.describe() : String(e)));
    } finally {
      body.removeAttribute('aria-busy');
    }
  };
  await load();
}

/** Under a series room's join form: the meeting running now (or next), and the FAQ. Silent without access. */
export async function seriesLinks(sid: number, parent: HTMLElement): Promise<void> {
  let list: MeetingList;
  try {
    list = await api<MeetingList>('GET', `/api/series/${sid}/meetings`);
  } catch {
    return; // a stranger without invitation or sign-in: nothing to show
  }
  const pick = list.meetings.find((m) => m.id === (list.current ?? list.next));
  parent.append(
    h(
      'section',
      { id: 'series-links', 'aria-labelledby': 'series-links-heading' },
      h('h2', { id: 'series-links-heading' }, t('seriesLinksHeading')),
      pick
        ? h(
            'p',
            {},
            `${pick.id === list.current ? t('meetingNow') : t('meetingNext')}: `,
            h('a', { id: 'current-meeting-link', href: withInvite(`/m/${pick.id}`) }, pick.title),
            ` · ${formatLocal(pick.startsAt)} (${viewerZone()})`,
          )
        : null,
      h(
        'p',
        { class: 'links' },
        h('a', { id: 'series-page-link', href: withInvite(`/s/${sid}`) }, t('seriesAllMeetings')),
        ' · ',
        h('a', { href: withInvite(`/s/${sid}/faq`) }, t('faqLink')),
      ),
    ),
  );
}
