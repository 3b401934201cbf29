// The screens of the page: join form, messages with actions (errors, "You left"), progress, and the
// call itself (grid, controls, reconnect banner). Each show* replaces what #app displays.
import { isValidRoom, normaliseName } from '../room';
import { t } from '../strings';
import { h } from './dom';
import { TileGrid } from './tiles';

function root(): HTMLElement {
  const app = document.getElementById('app');
  if (!app) throw new Error('index.html has no #app');
  return app;
}

function replace(screen: HTMLElement, focus?: HTMLElement): void {
  root().replaceChildren(screen);
  (focus ?? screen.querySelector<HTMLElement>('h1'))?.focus();
}

export interface JoinDefaults {
  room: string | null;
  name: string;
  /** Show the room as an editable field (prefilled with `room`) rather than as fixed text. */
  roomEditable?: boolean;
}

/** Room (fixed when the address names one) and name; submitting, also by Enter, calls onJoin. */
export function showJoin(defaults: JoinDefaults, onJoin: (room: string, name: string) => void): void {
  const nameInput = h('input', {
    id: 'name',
    name: 'name',
    type: 'text',
    autocomplete: 'name',
    maxlength: 64,
    required: true,
    'aria-describedby': 'name-hint',
    value: defaults.name,
  });
  const fixedRoom = defaults.roomEditable ? null : defaults.room;
  const roomInput = fixedRoom
    ? null
    : h('input', {
        id: 'room',
        name: 'room',
        type: 'text',
        maxlength: 64,
        required: true,
        pattern: '[A-Za-z0-9_\\-]{1,64}',
        autocapitalize: 'off',
        spellcheck: 'false',
        'aria-describedby': 'room-hint',
        value: defaults.room ?? '',
      });
  const error = h('p', { class: 'error', id: 'join-error', role: 'alert' });
  const button = h(
    'button',
    { type: 'submit', class: 'primary', id: 'join' },
    t('joinButton'),
  );
  if (fixedRoom) button.setAttribute('aria-label', t('joinButtonLabel', { room: fixedRoom }));

  const form = h(
    'form',
    { class: 'join-form', novalidate: true },
    fixedRoom
      ? h('p', { class: 'room-name' }, h('span', { class: 'label' }, t('roomLabel')), ' ', h('strong', { id: 'room-name' }, fixedRoom))
      : h(
          'div',
          { class: 'field' },
          h('label', { for: 'room' }, t('roomLabel')),
          roomInput,
          h('small', { id: 'room-hint' }, t('roomHint')),
        ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'name' }, t('nameLabel')),
      nameInput,
      h('small', { id: 'name-hint' }, t('nameHint')),
    ),
    error,
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const room = fixedRoom ?? roomInput?.value.trim() ?? '';
    if (!isValidRoom(room)) {
      error.textContent = t('roomInvalid');
      roomInput?.setAttribute('aria-invalid', 'true');
      roomInput?.focus();
      return;
    }
    const name = normaliseName(nameInput.value);
    if (name === null) {
      error.textContent = t('nameInvalid');
      nameInput.setAttribute('aria-invalid', 'true');
      nameInput.focus();
      return;
    }
    onJoin(room, name);
  });

  const screen = h(
    'main',
    { class: 'card', 'data-screen': 'join' },
    h('p', { class: 'brand' }, t('appName')),
    h('h1', { tabindex: -1 }, t('joinHeading')),
    form,
  );
  replace(screen, roomInput && !roomInput.value ? roomInput : nameInput);
}

export interface Action {
  label: string;
  ariaLabel?: string;
  primary?: boolean;
  id?: string;
  onClick: () => void;
}

/** A heading, an explanation and buttons: used for errors, media problems and "You left". */
export function showMessage(kind: string, heading: string, text: string, actions: Action[]): void {
  const buttons = actions.map((action) =>
    h(
      'button',
      {
        type: 'button',
        class: action.primary ? 'primary' : '',
        id: action.id,
        'aria-label': action.ariaLabel,
        onclick: () => action.onClick(),
      },
      action.label,
    ),
  );
  const screen = h(
    'main',
    { class: 'card', 'data-screen': kind },
    h('p', { class: 'brand' }, t('appName')),
    h('h1', { tabindex: -1 }, heading),
    h('p', { class: 'message', role: kind === 'left' ? undefined : 'alert' }, text),
    h('div', { class: 'actions' }, ...buttons),
  );
  replace(screen, buttons[0]);
}

/** A series room with a passcode: asks for it before the lobby; `error` from the last attempt. */
export function showPasscodePrompt(error: string | null, onSubmit: (passcode: string) => void, onBack: () => void): void {
  const input = h('input', { id: 'passcode', type: 'password', autocomplete: 'off', required: true, maxlength: 64 });
  const errorText = h('p', { class: 'error', id: 'passcode-error', role: 'alert', hidden: !error }, error ?? '');
  if (error) input.setAttribute('aria-describedby', 'passcode-error');
  const form = h(
    'form',
    {
      onsubmit: (event: Event) => {
        event.preventDefault();
        if (input.value.trim()) onSubmit(input.value.trim());
      },
    },
    h('label', { for: 'passcode' }, t('passcodeLabel')),
    input,
    errorText,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'passcode-submit' }, t('passcodeSubmit')),
      h('button', { type: 'button', id: 'back', onclick: () => onBack() }, t('backToJoin')),
    ),
  );
  const screen = h(
    'main',
    { class: 'card', 'data-screen': 'passcode' },
    h('p', { class: 'brand' }, t('appName')),
    h('h1', { tabindex: -1 }, t('passcodeHeading')),
    h('p', { class: 'message' }, t('passcodeText')),
    form,
  );
  replace(screen, input);
}

export function showProgress(text: string): void {
  const screen = h(
    'main',
    { class: 'card', 'data-screen': 'progress', 'aria-busy': 'true' },
    h('p', { class: 'brand' }, t('appName')),
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('h1', { tabindex: -1 }, text),
  );
  replace(screen);
}

export interface CallControls {
  onToggleMic(): void;
  onToggleCamera(): void;
  onLeave(): void;
  onReconnectNow(): void;
  onEnableSound(): void;
  onToggleHand(): void;
}

/** The call: header, tile grid, reconnect and sound banners, control bar. */
export class CallView {
  readonly grid = new TileGrid();
  private readonly count = h('span', { class: 'count' });
  private readonly banner: HTMLElement;
  private readonly bannerText = h('span', {});
  private readonly soundBanner: HTMLElement;
  // What a host did to us (muted, allowed unmuting): stays until the next such notice.
  private readonly notice = h('div', { class: 'banner notice', id: 'host-notice', role: 'status', hidden: true });
  private readonly micButton: HTMLButtonElement;
  private readonly cameraButton: HTMLButtonElement;
  private readonly leaveButton: HTMLButtonElement;
  private readonly handButton: HTMLButtonElement;
  private readonly controlBar: HTMLElement;
  /** The side panel: the raised-hand queue and, for hosts, the lobby (ui/room_panel.ts). */
  readonly side = h('aside', { class: 'side', 'aria-label': t('sidePanelLabel') });

  constructor(room: string, controls: CallControls) {
    this.banner = h(
      'div',
      { class: 'banner', role: 'status', hidden: true },
      this.bannerText,
      h(
        'button',
        { type: 'button', id: 'reconnect-now', 'aria-label': t('reconnectNowLabel'), onclick: () => controls.onReconnectNow() },
        t('reconnectNow'),
      ),
    );
    this.soundBanner = h(
      'div',
      { class: 'banner sound', hidden: true },
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'enable-sound',
          'aria-label': t('enableSoundLabel'),
          onclick: () => controls.onEnableSound(),
        },
        t('enableSound'),
      ),
    );
    this.micButton = h(
      'button',
      { type: 'button', id: 'toggle-mic', class: 'toggle', 'aria-label': t('muteButtonLabel'), 'aria-pressed': 'false', onclick: () => controls.onToggleMic() },
      t('muteButton'),
    );
    this.cameraButton = h(
      'button',
      { type: 'button', id: 'toggle-camera', class: 'toggle', 'aria-label': t('cameraButtonLabel'), 'aria-pressed': 'false', onclick: () => controls.onToggleCamera() },
      t('cameraButton'),
    );
    this.handButton = h(
      'button',
      { type: 'button', id: 'toggle-hand', class: 'toggle', 'aria-label': t('handButtonLabel'), 'aria-pressed': 'false', onclick: () => controls.onToggleHand() },
      t('handButton'),
    );
    this.leaveButton = h(
      'button',
      { type: 'button', id: 'leave', class: 'danger', 'aria-label': t('leaveButtonLabel'), onclick: () => controls.onLeave() },
      t('leaveButton'),
    );
    this.grid.element.setAttribute('aria-label', t('roomHeading', { room }));
    this.controlBar = h('nav', { class: 'controls', 'aria-label': t('appName') }, this.micButton, this.cameraButton, this.handButton, this.leaveButton);
    const screen = h(
      'div',
      { class: 'call', 'data-screen': 'call' },
      h('header', {}, h('h1', { tabindex: -1 }, t('roomHeading', { room })), this.count),
      this.banner,
      this.notice,
      this.soundBanner,
      // The videos and the side panel: side by side on a wide window, the panel below on a narrow one.
      h('div', { class: 'stage' }, this.grid.element, this.side),
      this.controlBar,
    );
    replace(screen, this.micButton);
  }

  /** Mic/camera buttons: pressed means muted/stopped; disabled when there is no such device. */
  setControls(state: { hasAudio: boolean; hasVideo: boolean; audioMuted: boolean; videoMuted: boolean; micLocked?: boolean }): void {
    this.micButton.setAttribute('aria-pressed', String(state.audioMuted));
    this.micButton.disabled = !state.hasAudio || state.micLocked === true;
    this.micButton.title = !state.hasAudio ? t('noMicrophone') : state.micLocked ? t('micLockedTitle') : '';
    this.cameraButton.setAttribute('aria-pressed', String(state.videoMuted));
    this.cameraButton.disabled = !state.hasVideo;
    this.cameraButton.title = state.hasVideo ? '' : t('noCamera');
  }

  /** Another control (e.g. screen sharing's button), before "Leave". */
  addControl(button: HTMLElement): void {
    this.controlBar.insertBefore(button, this.leaveButton);
  }

  setHandRaised(raised: boolean): void {
    this.handButton.setAttribute('aria-pressed', String(raised));
    this.handButton.textContent = raised ? t('lowerHandButton') : t('handButton');
  }

  updateCount(): void {
    const n = this.grid.size;
    this.count.textContent = n <= 1 ? t('participantCountOne') : t('participantCount', { n });
  }

  showReconnecting(attempt: number | null): void {
    this.banner.hidden = attempt === null;
    this.grid.element.classList.toggle('stale', attempt !== null);
    if (attempt !== null) this.bannerText.textContent = t('reconnecting', { n: attempt });
  }

  showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  showSoundBlocked(blocked: boolean): void {
    this.soundBanner.hidden = !blocked;
  }
}
