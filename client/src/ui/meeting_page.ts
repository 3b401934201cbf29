// The meeting page (/m/<mid>, hosts by sign-in, invitees by ?invite=): title and start in the
// viewer's zone, the agenda with its running item (hosts: Start next item), the cases and the Q&A.
// Agenda, cases and questions are polled every few seconds (docs/client.md).
import { t } from '../strings';
import { api, ApiError, formatLocal, viewerZone, withInvite } from './api';
import { CasePanel } from './case_panel';
import { h } from './dom';
import { QaPanel } from './qa_panel';

interface AgendaItem {
  id: number;
  title: string;
  presenter: string;
  minutes: number;
  startedAt: number | null;
  endedAt: number | null;
}

interface Agenda {
  items: AgendaItem[];
  current: AgendaItem | null;
  overrun: boolean;
}

interface Meeting {
  id: number;
  seriesId: number;
  title: string;
  startsAt: number;
  durationMinutes: number;
  agenda: Agenda;
  you: { name: string; host: boolean };
}

export const kAgendaPollMs = 3000;

function agendaList(agenda: Agenda): HTMLElement[] {
  return agenda.items.map((i) => {
    const running = agenda.current?.id === i.id;
    return h(
      'li',
      { 'data-item-id': i.id, class: running ? 'current' : i.endedAt ? 'done' : undefined, 'aria-current': running ? 'step' : undefined },
      `${i.title} (${t('agendaMinutes', { n: i.minutes })})`,
      i.presenter ? ` · ${i.presenter}` : '',
      running ? h('strong', {}, ` · ${agenda.overrun ? t('agendaOverTime') : t('agendaRunning')}`) : '',
    );
  });
}

export async function showMeetingPage(app: HTMLElement, mid: number): Promise<void> {
  const main = h('main', { class: 'card page wide', id: 'meeting-page' }, h('p', {}, t('loading')));
  app.replaceChildren(main);
  let meeting: Meeting;
  try {
    meeting = await api<Meeting>('GET', `/api/meetings/${mid}`);
  } catch (e) {
    main.replaceChildren(
      h('h1', {}, t('meetingHeading')),
      h('p', { class: 'error', role: 'alert' }, e instanceof ApiError ? e.describe() : String(e)),
      h('p', {}, h('a', { href: '/signin' }, t('signinLink'))),
    );
    return;
  }
  document.title = `${meeting.title} · ${t('appName')}`;
  const agenda = h('ol', { id: 'agenda' }, ...agendaList(meeting.agenda));
  const refreshAgenda = async () => {
    try {
      const a = await api<Agenda>('GET', `/api/meetings/${mid}/agenda`);
      agenda.replaceChildren(...agendaList(a));
    } catch {
      // Shown by the panels' own errors; the next poll tries again.
    }
  };
  const next = h('button', { type: 'button', id: 'agenda-next' }, t('agendaNext'));
  const agendaError = h('p', { class: 'error', role: 'alert', hidden: true });
  next.addEventListener('click', () => {
    api('POST', `/api/meetings/${mid}/agenda/next`)
      .then(() => refreshAgenda())
      .catch((e: unknown) => {
        agendaError.textContent = e instanceof ApiError ? e.describe() : String(e);
        agendaError.hidden = false;
      });
  });
  const cases = new CasePanel(mid, meeting.you);
  const qa = new QaPanel(mid, meeting.you.host);
  main.replaceChildren(
    h('h1', { id: 'meeting-heading', tabindex: -1 }, meeting.title),
    h('p', { id: 'meeting-when' }, `${formatLocal(meeting.startsAt)} (${viewerZone()}) · ${t('agendaMinutes', { n: meeting.durationMinutes })}`),
    h(
      'p',
      { class: 'links' },
      h('a', { href: withInvite(`/s/${meeting.seriesId}`) }, t('seriesAllMeetings')),
      ' · ',
      h('a', { href: withInvite(`/r/series-${meeting.seriesId}`) }, t('seriesRoomLink')),
      ' · ',
      h('a', { href: withInvite(`/s/${meeting.seriesId}/faq`) }, t('faqLink')),
    ),
    h(
      'section',
      { 'aria-labelledby': 'agenda-heading' },
      h('h2', { id: 'agenda-heading' }, t('agendaHeading')),
      agenda,
      meeting.you.host ? next : null,
      agendaError,
    ),
    cases.element,
    qa.element,
  );
  cases.start();
  qa.start();
  window.setInterval(() => void refreshAgenda(), kAgendaPollMs);
}
