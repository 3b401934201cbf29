// The call's side panel: the raised-hand queue everyone sees (first raised first; a host can give
// someone the floor, which lowers their hand) and, for hosts of a series room, the lobby with
// Admit / Deny per waiting person. Plain buttons and lists: usable by keyboard and screen reader.
import type { LobbyEntry } from '../signalling';
import { t } from '../strings';
import { h } from './dom';

export interface RoomPanelActions {
  /** Host: lower this participant's hand ("gave the floor"). */
  onLowerHand(participantId: string): void;
  onDecide(lobbyId: string, admit: boolean): void;
}

export class RoomPanel {
  private readonly handsList = h('ol', { id: 'hand-queue' });
  private readonly handsEmpty = h('p', { class: 'empty' }, t('handsEmpty'));
  private readonly lobbySection: HTMLElement;
  private readonly lobbyList = h('ul', { id: 'lobby-list' });
  private readonly lobbyEmpty = h('p', { class: 'empty' }, t('lobbyEmpty'));

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
    parent.replaceChildren(hands, this.lobbySection);
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
