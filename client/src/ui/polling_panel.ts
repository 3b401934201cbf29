// A panel of the clinical pages that keeps itself current by asking the REST API every few
// seconds (docs/client.md: cases and Q&A poll; nothing is pushed yet), with one error line.
import { ApiError } from './api';
import { h } from './dom';

export abstract class PollingPanel {
  protected readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private timer: number | undefined;

  constructor(private readonly pollMs: number) {}

  /** Fetches now, then every pollMs until stop(). */
  start(): void {
    void this.refresh();
    this.timer = window.setInterval(() => void this.refresh(), this.pollMs);
  }

  stop(): void {
    window.clearInterval(this.timer);
  }

  abstract refresh(): Promise<void>;

  protected fail(e: unknown): void {
    this.error.textContent = e instanceof ApiError ? e.describe() : String(e);
    this.error.hidden = false;
  }
}
