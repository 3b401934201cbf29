// Tells the server how large each remote participant's tile is on screen (the `tile` request,
// docs/signalling.md), so its simulcast layer selection sends no larger a video than the tile
// shows. Reports are debounced and sent only when the size changed noticeably.

type SendTile = (participantId: string, width: number, height: number) => Promise<unknown>;

// A new report only when the height moved by this fraction (layers are 2x apart).
const kChangeFraction = 0.15;
const kDebounceMs = 300;

export class TileSizeReporter {
  private readonly observer: ResizeObserver | null;
  private readonly elements = new Map<string, Element>();
  private readonly sent = new Map<string, { width: number; height: number }>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly send: SendTile) {
    this.observer =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            for (const entry of entries) {
              const id = (entry.target as HTMLElement).dataset.tileParticipant;
              if (id) this.schedule(id, false);
            }
          });
  }

  watch(participantId: string, element: HTMLElement): void {
    if (this.elements.get(participantId) === element) return;
    this.unwatch(participantId);
    element.dataset.tileParticipant = participantId;
    this.elements.set(participantId, element);
    this.observer?.observe(element);
    this.schedule(participantId, true);
  }

  unwatch(participantId: string): void {
    const element = this.elements.get(participantId);
    if (element) this.observer?.unobserve(element);
    this.elements.delete(participantId);
    this.sent.delete(participantId);
    clearTimeout(this.timers.get(participantId));
    this.timers.delete(participantId);
  }

  /** Sends the size again (e.g. the participant's video just arrived, so the server has its track). */
  resend(participantId: string): void {
    this.schedule(participantId, true);
  }

  close(): void {
    this.observer?.disconnect();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.elements.clear();
    this.sent.clear();
  }

  private schedule(participantId: string, force: boolean): void {
    clearTimeout(this.timers.get(participantId));
    this.timers.set(
      participantId,
      setTimeout(() => {
        this.timers.delete(participantId);
        this.report(participantId, force);
      }, kDebounceMs),
    );
  }

  private report(participantId: string, force: boolean): void {
    const element = this.elements.get(participantId);
    if (!element) return;
    const rect = element.getBoundingClientRect();
    const scale = window.devicePixelRatio || 1;
    const width = Math.min(16384, Math.round(rect.width * scale));
    const height = Math.min(16384, Math.round(rect.height * scale));
    const last = this.sent.get(participantId);
    if (!force && last && Math.abs(height - last.height) <= last.height * kChangeFraction) return;
    this.sent.set(participantId, { width, height });
    this.send(participantId, width, height).catch((error: unknown) =>
      console.warn('rounds: tile report failed', error),
    );
  }
}
