// In a series room's side panel: the meeting running now (else the next one) of the series, with
// its cases on show (an approved case appears when its agenda item starts) and its Q&A, both polled.
// Needs the person's invitation (?invite=) or a host sign-in; without either nothing is shown.
import { t } from '../strings';
import { api, withInvite } from './api';
import { CasePanel } from './case_panel';
import { h } from './dom';
import { QaPanel } from './qa_panel';
import type { MeetingList } from './series_page';

const kSeriesRoom = /^series-([1-9][0-9]*)$/;

/** Appends the meeting section to `side` once it has loaded; returns a stop() for leaving. */
export function mountMeetingPanel(side: HTMLElement, room: string): () => void {
  const match = kSeriesRoom.exec(room);
  let stopped = false;
  const panels: { stop(): void }[] = [];
  if (match) {
    void (async () => {
      let list: MeetingList;
      try {
        list = await api<MeetingList>('GET', `/api/series/${match[1]}/meetings`);
      } catch {
        return; // admitted from the lobby without credentials: no meeting data for them
      }
      const id = list.current ?? list.next;
      const meeting = list.meetings.find((m) => m.id === id);
      if (!meeting || stopped) return;
      const cases = new CasePanel(meeting.id, list.you, true);
      const qa = new QaPanel(meeting.id, list.you.host);
      side.append(
        h(
          'section',
          { class: 'meeting-panel', id: 'room-meeting', 'aria-label': t('roomMeetingLabel', { title: meeting.title }) },
          h('p', {}, h('a', { href: withInvite(`/m/${meeting.id}`), target: '_blank', rel: 'noopener' }, meeting.title)),
          cases.element,
          qa.element,
        ),
      );
      cases.start();
      qa.start();
      panels.push(cases, qa);
    })();
  }
  return () => {
    stopped = true;
    for (const p of panels) p.stop();
  };
}
