// Screen sharing in a call (docs/signalling.md "Screen sharing"): our own capture (getDisplayMedia,
// its button in the control bar, the browser's own "Stop sharing" ending it) and the large tiles of
// the screens others share ("Ann's screen"). The Call owns one; it survives reconnects.
import type { PeerSession } from './peer';
import type { Participant, SignallingClient } from './signalling';
import { t } from './strings';
import { announce, h } from './ui/dom';
import { Tile, type TileGrid } from './ui/tiles';

/** What ScreenShare needs from the call; each may be null between sessions. */
export interface ScreenShareContext {
  peer(): PeerSession | null;
  signalling(): SignallingClient | null;
  grid(): TileGrid | null;
  /** A participant's display name, or null while unknown. */
  nameOf(participantId: string): string | null;
  onAutoplayBlocked(): void;
  /** Our sharing started or stopped, or the screens shown changed. */
  onChange(): void;
}

/** The grid id of a participant's screen tile (camera tiles use the participant id). */
export function screenTileId(participantId: string): string {
  return `screen:${participantId}`;
}

export class ScreenShare {
  readonly button: HTMLButtonElement;
  /** While sharing: pick another screen or window (replaces the capture, same m-line). */
  readonly switchButton: HTMLButtonElement;
  private track: MediaStreamTrack | null = null;
  private allowed = true;
  private starting = false;
  // Others' screens: participant id → track, kept until they stop sharing or leave.
  private readonly remote = new Map<string, MediaStreamTrack>();

  constructor(private readonly ctx: ScreenShareContext) {
    this.button = h(
      'button',
      { type: 'button', id: 'toggle-screen', class: 'toggle', 'aria-pressed': 'false', onclick: () => void this.toggle() },
      t('shareScreenButton'),
    );
    this.switchButton = h(
      'button',
      { type: 'button', id: 'switch-screen', hidden: true, onclick: () => void this.start() },
      t('switchScreenButton'),
    );
    // Not onChange yet: the Call creating us may not have finished its own construction.
    this.refresh(false);
  }

  /** The control bar's buttons, in order. */
  get buttons(): HTMLElement[] {
    return [this.button, this.switchButton];
  }

  get sharing(): boolean {
    return this.track !== null;
  }

  /** Observers may not share (the server refuses it): the button goes, and a share ends. */
  setAllowed(allowed: boolean): void {
    this.allowed = allowed;
    if (!allowed && this.track) this.stop();
    this.refresh();
  }

  private async toggle(): Promise<void> {
    if (this.track) this.stop();
    else await this.start();
  }

  /** Asks the browser for a screen; a second call while sharing replaces the first capture. */
  async start(): Promise<void> {
    if (!this.allowed || this.starting) return;
    this.starting = true;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      // The person closed the picker (NotAllowedError) or the browser cannot capture.
      console.warn('rounds: no screen to share', error);
      announce(t('shareScreenFailed'));
      return;
    } finally {
      this.starting = false;
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    // Text and lines stay sharp: the encoder keeps resolution and gives up frame rate first.
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" bar ends the track without our button.
    track.addEventListener('ended', () => {
      if (this.track === track) this.stop();
    });
    const previous = this.track;
    this.track = track;
    previous?.stop();
    this.ctx.peer()?.setScreen(track);
    if (!previous) this.ctx.signalling()?.share(true).catch(logShareError);
    this.refresh();
    announce(t('announceSharing'));
  }

  /** Ends our share: the capture stops, and the server stops forwarding it. */
  stop(tellServer = true): void {
    const track = this.track;
    if (!track) return;
    this.track = null;
    track.stop();
    this.ctx.peer()?.setScreen(null);
    if (tellServer) this.ctx.signalling()?.share(false).catch(logShareError);
    this.refresh();
    announce(t('announceSharingStopped'));
  }

  /** A host ended our share on the server: the capture stops too. */
  stoppedByHost(byName: string): void {
    if (!this.track) return;
    this.stop(false);
    announce(t('shareStoppedByHost', { name: byName }));
  }

  /** A new session (join or reconnect): it shares the capture we still have. */
  resume(): void {
    if (!this.track) return;
    this.ctx.peer()?.setScreen(this.track);
    this.ctx.signalling()?.share(true).catch(logShareError);
  }

  /** Someone's screen arrived on its own m-line (a=content:slides). */
  onRemoteScreen(participantId: string, track: MediaStreamTrack): void {
    this.remote.set(participantId, track);
    this.showTile(participantId);
  }

  /** participant-updated / joined: a share that ended loses its tile; a new name relabels it. */
  onParticipant(participant: Participant): void {
    if (participant.screen !== true) {
      this.remove(participant.id);
      return;
    }
    const tile = this.ctx.grid()?.get(screenTileId(participant.id));
    tile?.setName(t('screenOf', { name: participant.name }));
  }

  remove(participantId: string): void {
    if (!this.remote.delete(participantId)) return;
    this.ctx.grid()?.remove(screenTileId(participantId));
    this.ctx.onChange();
  }

  /** The grid was cleared (a new session): the screens come again with its offers. */
  clearRemote(): void {
    this.remote.clear();
  }

  /** Whose screens are shown, for window.__rounds (tests). */
  shownScreens(): string[] {
    return [...this.remote.keys()];
  }

  private showTile(participantId: string): void {
    const grid = this.ctx.grid();
    const track = this.remote.get(participantId);
    if (!grid || !track) return;
    const id = screenTileId(participantId);
    const label = t('screenOf', { name: this.ctx.nameOf(participantId) ?? t('someone') });
    let tile = grid.get(id);
    if (!tile) {
      tile = new Tile(id, label, false, () => this.ctx.onAutoplayBlocked(), true);
      grid.add(tile);
      announce(label);
    }
    tile.setName(label);
    tile.addTrack(track);
  }

  private refresh(notify = true): void {
    const sharing = this.track !== null;
    this.button.hidden = !this.allowed || !navigator.mediaDevices?.getDisplayMedia;
    this.button.setAttribute('aria-pressed', String(sharing));
    this.button.textContent = sharing ? t('stopShareButton') : t('shareScreenButton');
    this.switchButton.hidden = this.button.hidden || !sharing;
    if (notify) this.ctx.onChange();
  }
}

function logShareError(error: unknown): void {
  console.warn('rounds: share request failed', error);
}
