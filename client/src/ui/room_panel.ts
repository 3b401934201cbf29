// The call's side panel: the running agenda item (with the presenter's overrun warning), the
// raised-hand queue everyone sees (first raised first; a host can give someone the floor, which
// lowers their hand), the participant list with a host's per-person menu (mute, roles, remove),
// for hosts of a series room the lobby with Admit / Deny per waiting person, and the low-bandwidth
// choices (what the server sends this page; hosts also set the room's default). Plain buttons,
// lists, native selects and a <details> menu: usable by keyboard and screen reader.
import {
  kReceiveModes,
  type AgendaState,
  type LobbyEntry,
  type Participant,
  type ReceiveMode,
  type ReceiveState,
  type ScreenChoice,
  type RoomRole,
} from '../signalling';
import { t } from '../strings';
import { h } from './dom';
import { roleName } from './tiles';

export interface RoomPanelActions {
  /** Host: lower this participant's hand ("gave the floor"). */
  onLowerHand(participantId: string): void;
  onDecide(lobbyId: string, admit: boolean): void;
  /** Host controls on one participant (docs/signalling.md "Host controls"). */
  onMute(participantId: string, locked: boolean): void;
  onAllowUnmute(participantId: string): void;
  onSetRole(participantId: string, role: RoomRole): void;
  onSetPresenter(participantId: string): void;
  onRemove(participantId: string): void;
  /** This page's choice ('room-default': follow the room). */
  onReceiveChoice(mode: ReceiveMode | 'room-default'): void;
  /** Host: the room's default. */
  onRoomReceive(mode: ReceiveMode): void;
  /** "No incoming screen video" ('hide'), screens ('show'), or the room's default. */
  onScreenChoice(choice: ScreenChoice | 'room-default'): void;
  /** Host: the room's default for screens. */
  onRoomScreens(choice: ScreenChoice): void;
  /** Host: end this participant's screen sharing. */
  onStopShare(participantId: string): void;
}

export function screenChoiceText(choice: ScreenChoice): string {
  return choice === 'hide' ? t('receiveScreensHide') : t('receiveScreensShow');
}

export function receiveModeText(mode: ReceiveMode): string {
  return mode === 'audio-only' ? t('receiveAudioOnly') : mode === 'active-speaker' ? t('receiveActiveSpeaker') : t('receiveAll');
}

/** "m:ss" */
function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

export class RoomPanel {
  private readonly handsList = h('ol', { id: 'hand-queue' });
  private readonly handsEmpty = h('p', { class: 'empty' }, t('handsEmpty'));
  private readonly lobbySection: HTMLElement;
  private readonly lobbyList = h('ul', { id: 'lobby-list' });
  private readonly lobbyEmpty = h('p', { class: 'empty' }, t('lobbyEmpty'));
  private readonly peopleList = h('ul', { id: 'participant-list' });
  private readonly peopleEmpty = h('p', { class: 'empty' }, t('participantsEmpty'));
  private readonly agendaSection: HTMLElement;
  private readonly agendaTitle = h('p', { id: 'agenda-title' });
  private readonly agendaPresenter = h('p', { id: 'agenda-presenter' });
  private readonly agendaTime = h('p', { id: 'agenda-time' });
  // Gentle, and read out once: a status region whose text changes only once a minute.
  private readonly overrun = h('p', { id: 'agenda-overrun', class: 'overrun', role: 'status', hidden: true });
  private readonly receiveSelect = h('select', { id: 'receive-mode' }) as HTMLSelectElement;
  private readonly screensSelect = h('select', { id: 'receive-screens' }) as HTMLSelectElement;
  private readonly roomScreensSelect = h('select', { id: 'room-receive-screens' }) as HTMLSelectElement;
  private readonly roomScreensRow: HTMLElement;
  private readonly roomReceiveSelect = h('select', { id: 'room-receive-mode' }) as HTMLSelectElement;
  private readonly roomReceiveRow: HTMLElement;

  constructor(
    parent: HTMLElement,
    private readonly actions: RoomPanelActions,
  ) {
    const hands = h(
      'section',
      { class: 'hands', 'aria-labelledby': 'hands-heading' },
      h('h2', { id: 'hands-heading' }, t('handsHeading')),
      this.handsEmpty,
      this.handsList,
    );
    this.lobbySection = h(
      'section',
      { class: 'lobby', 'aria-labelledby': 'lobby-heading', hidden: true },
      h('h2', { id: 'lobby-heading' }, t('lobbyHeading')),
      this.lobbyEmpty,
      this.lobbyList,
    );
    this.receiveSelect.addEventListener('change', () =>
      this.actions.onReceiveChoice(this.receiveSelect.value as ReceiveMode | 'room-default'),
    );
    this.roomReceiveSelect.addEventListener('change', () =>
      this.actions.onRoomReceive(this.roomReceiveSelect.value as ReceiveMode),
    );
    this.roomReceiveRow = h(
      'p',
      { class: 'field', hidden: true },
      h('label', { for: 'room-receive-mode' }, t('receiveRoomLabel')),
      this.roomReceiveSelect,
    );
    this.screensSelect.addEventListener('change', () =>
      this.actions.onScreenChoice(this.screensSelect.value as ScreenChoice | 'room-default'),
    );
    this.roomScreensSelect.addEventListener('change', () =>
      this.actions.onRoomScreens(this.roomScreensSelect.value as ScreenChoice),
    );
    this.roomScreensRow = h(
      'p',
      { class: 'field', hidden: true },
      h('label', { for: 'room-receive-screens' }, t('receiveRoomScreensLabel')),
      this.roomScreensSelect,
    );
    const receive = h(
      'section',
      { class: 'receive', 'aria-labelledby': 'receive-heading' },
      h('h2', { id: 'receive-heading' }, t('receiveHeading')),
      h('p', { class: 'field' }, h('label', { for: 'receive-mode' }, t('receiveLabel')), this.receiveSelect),
      this.roomReceiveRow,
      h('p', { class: 'field' }, h('label', { for: 'receive-screens' }, t('receiveScreensLabel')), this.screensSelect),
      this.roomScreensRow,
    );
    this.setReceive({ mode: 'all', choice: null, roomDefault: 'all' }, false);
    this.agendaSection = h(
      'section',
      { class: 'agenda', 'aria-labelledby': 'agenda-heading', hidden: true },
      h('h2', { id: 'agenda-heading' }, t('agendaHeading')),
      this.agendaTitle,
      this.agendaPresenter,
      this.agendaTime,
      this.overrun,
    );
    const people = h(
      'section',
      { class: 'people', 'aria-labelledby': 'people-heading' },
      h('h2', { id: 'people-heading' }, t('participantsHeading')),
      this.peopleEmpty,
      this.peopleList,
    );
    parent.replaceChildren(this.agendaSection, hands, people, this.lobbySection, receive);
  }

  /**
   * The running item: title, presenter and time used; `elapsedMs` now (the caller keeps it
   * current); `isPresenter` shows the overrun warning to this person once the time box is past.
   */
  setAgenda(agenda: AgendaState | null, elapsedMs: number, isPresenter: boolean): void {
    this.agendaSection.hidden = agenda === null;
    if (!agenda) return;
    this.agendaTitle.textContent = t('agendaNow', { title: agenda.title });
    this.agendaPresenter.textContent = agenda.presenter ? t('agendaPresenter', { presenter: agenda.presenter }) : '';
    this.agendaPresenter.hidden = !agenda.presenter;
    this.agendaTime.textContent = t('agendaTime', { elapsed: clock(elapsedMs), minutes: agenda.minutes });
    const overMs = elapsedMs - agenda.minutes * 60_000;
    const overMinutes = Math.max(1, Math.floor(overMs / 60_000));
    const text = overMs <= 0 ? '' : t(isPresenter ? 'agendaOverrun' : 'agendaOverrunOthers', { over: overMinutes });
    this.overrun.hidden = overMs <= 0;
    this.overrun.classList.toggle('mine', isPresenter);
    if (this.overrun.textContent !== text) this.overrun.textContent = text;
  }

  /** Everyone else in the room; hosts get a menu of host controls per person. */
  setParticipants(people: Participant[], isHost: boolean): void {
    this.peopleEmpty.hidden = people.length > 0;
    // Keep an open menu open across updates (someone else's change must not close it under the
    // keyboard's focus).
    const open = this.peopleList.querySelector('details[open]')?.closest('li')?.getAttribute('data-participant-id');
    this.peopleList.replaceChildren(
      ...people.map((p) => {
        const label = p.role ? `${p.name} · ${roleName(p.role)}` : p.name;
        const item = h('li', { 'data-participant-id': p.id }, h('span', { class: 'name' }, label));
        if (isHost && p.role !== 'host') item.append(this.menu(p, open === p.id));
        return item;
      }),
    );
  }

  private menu(p: Participant, open: boolean): HTMLElement {
    const name = p.name;
    const item = (cls: string, text: string, aria: string, action: () => void) =>
      h('button', { type: 'button', class: cls, 'aria-label': aria, onclick: action }, text);
    const buttons: HTMLElement[] = [];
    if (p.audioLocked) {
      buttons.push(item('allow-unmute', t('allowUnmute'), t('allowUnmuteLabel', { name }), () => this.actions.onAllowUnmute(p.id)));
    } else {
      if (!p.audioMuted) buttons.push(item('mute', t('muteParticipant'), t('muteParticipantLabel', { name }), () => this.actions.onMute(p.id, false)));
      buttons.push(item('mute-lock', t('muteLockParticipant'), t('muteLockParticipantLabel', { name }), () => this.actions.onMute(p.id, true)));
    }
    if (p.role === 'observer') {
      buttons.push(item('make-speaker', t('makeSpeaker'), t('makeSpeakerLabel', { name }), () => this.actions.onSetRole(p.id, 'speaker')));
    } else {
      buttons.push(item('make-observer', t('makeObserver'), t('makeObserverLabel', { name }), () => this.actions.onSetRole(p.id, 'observer')));
    }
    if (p.role === 'co-host') {
      buttons.push(item('make-speaker', t('makeSpeaker'), t('makeSpeakerLabel', { name }), () => this.actions.onSetRole(p.id, 'speaker')));
    } else {
      buttons.push(item('make-co-host', t('makeCoHost'), t('makeCoHostLabel', { name }), () => this.actions.onSetRole(p.id, 'co-host')));
    }
    if (p.screen) {
      buttons.push(item('stop-share', t('stopTheirShare'), t('stopTheirShareLabel', { name }), () => this.actions.onStopShare(p.id)));
    }
    buttons.push(item('make-presenter', t('makePresenter'), t('makePresenterLabel', { name }), () => this.actions.onSetPresenter(p.id)));
    buttons.push(
      item('danger remove', t('removeParticipant'), t('removeParticipantLabel', { name }), () => {
        if (window.confirm(t('removeConfirm', { name }))) this.actions.onRemove(p.id);
      }),
    );
    const details = h(
      'details',
      { class: 'host-menu' },
      h('summary', { 'aria-label': t('hostMenuLabel', { name }) }, t('hostMenu')),
      h('div', { class: 'menu-items' }, ...buttons),
    );
    details.open = open;
    return details;
  }

  /** The low-bandwidth state in force; hosts also get the room's default. */
  setReceive(state: ReceiveState, isHost: boolean): void {
    const option = (value: string, text: string, selected: boolean) => {
      const o = h('option', { value }, text) as HTMLOptionElement;
      o.selected = selected;
      return o;
    };
    this.receiveSelect.replaceChildren(
      option('room-default', t('receiveFollowRoom', { mode: receiveModeText(state.roomDefault) }), state.choice === null),
      ...kReceiveModes.map((mode) => option(mode, receiveModeText(mode), state.choice === mode)),
    );
    this.roomReceiveRow.hidden = !isHost;
    this.roomReceiveSelect.replaceChildren(
      ...kReceiveModes.map((mode) => option(mode, receiveModeText(mode), state.roomDefault === mode)),
    );
    // Screens: a separate choice (docs/signalling.md "Low-bandwidth choices").
    const roomScreen = state.roomScreen ?? 'show';
    const choices: ScreenChoice[] = ['show', 'hide'];
    this.screensSelect.replaceChildren(
      option('room-default', t('receiveFollowRoom', { mode: screenChoiceText(roomScreen) }), !state.screenChoice),
      ...choices.map((choice) => option(choice, screenChoiceText(choice), state.screenChoice === choice)),
    );
    this.roomScreensRow.hidden = !isHost;
    this.roomScreensSelect.replaceChildren(...choices.map((choice) => option(choice, screenChoiceText(choice), roomScreen === choice)));
  }

  /** queue: participant ids, first raised first; nameOf resolves them; hosts get a floor button. */
  setHands(queue: string[], nameOf: (id: string) => string, isHost: boolean): void {
    this.handsEmpty.hidden = queue.length > 0;
    this.handsList.replaceChildren(
      ...queue.map((id) => {
        const name = nameOf(id);
        const item = h('li', { 'data-participant-id': id }, h('span', { class: 'name' }, name));
        if (isHost) {
          item.append(
            h(
              'button',
              { type: 'button', class: 'floor', 'aria-label': t('giveFloorLabel', { name }), onclick: () => this.actions.onLowerHand(id) },
              t('giveFloor'),
            ),
          );
        }
        return item;
      }),
    );
  }

  /** Hosts only: shows the lobby section with the people waiting. */
  setLobby(waiting: LobbyEntry[]): void {
    this.lobbySection.hidden = false;
    this.lobbyEmpty.hidden = waiting.length > 0;
    this.lobbyList.replaceChildren(
      ...waiting.map((entry) =>
        h(
          'li',
          { 'data-lobby-id': entry.id },
          h('span', { class: 'name' }, entry.name),
          entry.removed ? h('span', { class: 'tag' }, t('lobbyRemovedTag')) : null,
          h(
            'button',
            { type: 'button', class: 'primary admit', 'aria-label': t('admitLabel', { name: entry.name }), onclick: () => this.actions.onDecide(entry.id, true) },
            t('admit'),
          ),
          h(
            'button',
            { type: 'button', class: 'deny', 'aria-label': t('denyLabel', { name: entry.name }), onclick: () => this.actions.onDecide(entry.id, false) },
            t('deny'),
          ),
        ),
      ),
    );
  }
}
