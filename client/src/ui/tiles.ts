// Video tiles and the grid that holds them: one tile per participant (own preview first), a name
// label, initials until video arrives, and mic/camera-off badges; a shared screen gets a large
// tile of its own above the others.
import { t } from '../strings';
import { h, initials } from './dom';

const kRoleKeys = {
  host: 'roleHost',
  'co-host': 'roleCoHost',
  presenter: 'rolePresenter',
  interpreter: 'roleInterpreter',
  participant: 'roleParticipant',
  observer: 'roleObserver',
  speaker: 'roleSpeaker',
} as const;

/** A series role in the page's language (the raw name when it is not one we know). */
export function roleName(role: string): string {
  return role in kRoleKeys ? t(kRoleKeys[role as keyof typeof kRoleKeys]) : role;
}

export class Tile {
  readonly element: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly placeholder: HTMLElement;
  private readonly label: HTMLElement;
  private readonly affiliation: HTMLElement;
  private readonly micBadge: HTMLElement;
  private readonly cameraBadge: HTMLElement;
  private readonly stream = new MediaStream();
  private name = '';
  private audioMuted = false;
  private videoMuted = false;

  constructor(
    readonly id: string,
    name: string,
    readonly local: boolean,
    private readonly onAutoplayBlocked: () => void,
    /** Someone's shared screen (screen_share.ts): spans the grid's width, first row. */
    readonly screen = false,
  ) {
    // Only the own preview is muted (no echo of oneself); remote sound plays through this element.
    this.video = h('video', { autoplay: true, playsinline: true, muted: local, class: local ? 'mirrored' : '' });
    this.video.muted = local;
    this.video.addEventListener('resize', () => this.refresh());
    this.video.addEventListener('playing', () => this.refresh());
    this.placeholder = h('div', { class: 'placeholder', 'aria-hidden': 'true' });
    this.label = h('span', { class: 'name' });
    this.affiliation = h('span', { class: 'affiliation', hidden: true });
    this.micBadge = h('span', { class: 'badge mic-off', hidden: true }, t('micOffBadge'));
    this.cameraBadge = h('span', { class: 'badge camera-off', hidden: true }, t('cameraOffBadge'));
    this.element = h(
      'figure',
      { class: local ? 'tile local' : screen ? 'tile screen' : 'tile', 'data-participant-id': id },
      this.video,
      this.placeholder,
      h('figcaption', {}, this.label, this.affiliation, this.micBadge, this.cameraBadge),
    );
    this.setName(name);
  }

  setName(name: string): void {
    this.name = name;
    this.label.textContent = this.local ? t('you', { name }) : name;
    this.placeholder.textContent = initials(name);
    this.video.setAttribute('aria-label', t('videoOf', { name }));
  }

  /** Organisation · country · role from the directory (series rooms); hidden when unknown. */
  setAffiliation(info: { organisation?: string; country?: string; role?: string }): void {
    const parts = [info.organisation, info.country, info.role ? roleName(info.role) : undefined].filter(
      (part): part is string => !!part,
    );
    this.affiliation.textContent = parts.join(' · ');
    this.affiliation.hidden = parts.length === 0;
  }

  setMuted(audioMuted: boolean, videoMuted: boolean): void {
    this.audioMuted = audioMuted;
    this.videoMuted = videoMuted;
    this.refresh();
  }

  /** Own preview: shows the local camera (the stream may hold no video at all). */
  setLocalStream(stream: MediaStream | null): void {
    for (const track of this.stream.getTracks()) this.stream.removeTrack(track);
    for (const track of stream?.getVideoTracks() ?? []) this.watch(track);
    this.attach();
  }

  /** Remote participant: audio and video from the SFU, played by the one video element. */
  addTrack(track: MediaStreamTrack): void {
    for (const old of this.stream.getTracks()) {
      if (old.kind === track.kind && old !== track) this.stream.removeTrack(old);
    }
    if (!this.stream.getTracks().includes(track)) this.watch(track);
    this.attach();
  }

  /** After a click: unmutes a tile that autoplay policy forced to play silently, and plays it. */
  play(): void {
    if (!this.local) this.video.muted = false;
    this.video.play().catch(() => undefined);
  }

  get displayName(): string {
    return this.name;
  }

  private watch(track: MediaStreamTrack): void {
    this.stream.addTrack(track);
    track.addEventListener('mute', () => this.refresh());
    track.addEventListener('unmute', () => this.refresh());
    track.addEventListener('ended', () => this.refresh());
  }

  private attach(): void {
    // Re-assigning makes the element pick up tracks added after playback started.
    this.video.srcObject = null;
    this.video.srcObject = this.stream.getTracks().length > 0 ? this.stream : null;
    if (this.video.srcObject) {
      this.video.play().catch((error: unknown) => {
        if (!(error instanceof DOMException) || error.name !== 'NotAllowedError') return;
        // Without a camera or microphone in use and before any click, browsers refuse to start
        // sound. Show the picture silently meanwhile; the sound banner's click unmutes (play()).
        this.video.muted = true;
        this.video.play().catch(() => undefined);
        this.onAutoplayBlocked();
      });
    }
    this.refresh();
  }

  private refresh(): void {
    const video = this.stream.getVideoTracks()[0];
    const live = !!video && video.readyState === 'live' && !video.muted && video.enabled;
    const showVideo = live && !this.videoMuted;
    this.element.classList.toggle('has-video', showVideo);
    this.placeholder.hidden = showVideo;
    this.micBadge.hidden = !this.audioMuted;
    this.cameraBadge.hidden = !this.videoMuted;
  }
}

export class TileGrid {
  readonly element = h('section', { class: 'grid' });
  private readonly tiles = new Map<string, Tile>();

  get(id: string): Tile | undefined {
    return this.tiles.get(id);
  }

  add(tile: Tile): void {
    this.tiles.get(tile.id)?.element.remove();
    this.tiles.set(tile.id, tile);
    if (tile.screen) this.element.prepend(tile.element);
    else this.element.append(tile.element);
    this.layout();
  }

  remove(id: string): Tile | undefined {
    const tile = this.tiles.get(id);
    if (!tile) return undefined;
    tile.element.remove();
    this.tiles.delete(id);
    this.layout();
    return tile;
  }

  /** Every other participant's tile (not the own preview, nor shared screens). */
  remote(): Tile[] {
    return [...this.tiles.values()].filter((tile) => !tile.local && !tile.screen);
  }

  /** Removes every tile except the own preview. */
  clearRemote(): void {
    for (const tile of [...this.tiles.values()]) if (!tile.local) this.remove(tile.id);
  }

  playAll(): void {
    for (const tile of this.tiles.values()) tile.play();
  }

  /** Tiles of people (the own preview included), not of shared screens. */
  get size(): number {
    return [...this.tiles.values()].filter((tile) => !tile.screen).length;
  }

  private layout(): void {
    // Near-square grid: 1 → 1x1, 2 → 2x1, 3–4 → 2x2, 5–6 → 3x2, 7–9 → 3x3, 10–12 → 4x3, 13–16 → 4x4.
    // Shared screens take a full-width row each, three times as tall, above the people.
    const screens = [...this.tiles.values()].filter((tile) => tile.screen).length;
    const n = Math.max(1, this.tiles.size - screens);
    const cols = Math.ceil(Math.sqrt(n));
    const rows = Math.ceil(n / cols);
    this.element.style.setProperty('--cols', String(cols));
    this.element.style.setProperty('--rows', String(rows));
    this.element.style.setProperty('--screens', String(Math.max(1, screens)));
    this.element.classList.toggle('presenting', screens > 0);
    this.element.dataset.count = String(this.tiles.size);
  }
}
