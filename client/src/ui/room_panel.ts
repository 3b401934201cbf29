// The call's side panel: the raised-hand queue everyone sees (first raised first; a host can give
// someone the floor, which lowers their hand) and, for hosts of a series room, the lobby with
// Admit / Deny per waiting person, and the low-bandwidth choices (what the server sends this page;
// hosts also set the room's default). Plain buttons, lists and native selects: usable by keyboard
// and screen reader.
import { kReceiveModes, type LobbyEntry, type ReceiveMode, type ReceiveState } from '../signalling';
import { t } from '../strings';
import { h } from './dom';

export interface RoomPanelActions {
  /** Host: lower this participant's hand ("gave the floor"). */
  onLowerHand(participantId: string): void;
  onDecide(lobbyId: string, admit: boolean): void;
  /** This page's choice ('room-default': follow the room). */
  onReceiveChoice(mode: ReceiveMode | 'room-default'): void;
  /** Host: the room's default. */
  onRoomReceive(mode: ReceiveMode): void;
}

export function receiveModeText(mode: ReceiveMode): string {
  return mode === 'audio-only' ? t('receiveAudioOnly') : mode === 'active-speaker' ? t('receiveActiveSpeaker') : t('receiveAll');
}

export class RoomPanel {
  private readonly handsList = h('ol', { id: 'hand-queue' });
  private readonly handsEmpty = h('p', { class: 'empty' }, t('handsEmpty'));
  private readonly lobbySection: HTMLElement;
  private readonly lobbyList = h('ul', { id: 'lobby-list' });
  private readonly lobbyEmpty = h('p', { class: 'empty' }, t('lobbyEmpty'));
  private readonly receiveSelect = h('select', { id: 'receive-mode' }) as HTMLSelectElement;
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
    const receive = h(
      'section',
      { class: 'receive', 'aria-labelledby': 'receive-heading' },
      h('h2', { id: 'receive-heading' }, t('receiveHeading')),
      h('p', { class: 'field' }, h('label', { for: 'receive-mode' }, t('receiveLabel')), this.receiveSelect),
      this.roomReceiveRow,
    );
    this.setReceive({ mode: 'all', choice: null, roomDefault: 'all' }, false);
    parent.replaceChildren(hands, this.lobbySection, receive);
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
