// Session resumption (docs/signalling.md "Resuming a session"): after the signalling socket is
// lost, new sockets try `resume` with the session's one-time token, with backoff, while the
// server's grace period lasts. The page keeps its tiles, local tracks and RTCPeerConnection.

/** One attempt's result: back in the session, refused by the server, worth another try, or superseded. */
export type ResumeOutcome = 'resumed' | 'refused' | 'retry' | 'stale';

/** How the whole loop ended: 'refused' and 'expired' mean a full rejoin. */
export type ResumeResult = 'resumed' | 'refused' | 'expired';

// Backoff between attempts: 250 ms, 500 ms, 1 s, 2 s, then every 2 s; the first is immediate.
const kFirstRetryMs = 250;
const kMaxRetryMs = 2_000;
// Stop this long before the server's grace period would end by our clock (it started counting
// when the server noticed the loss, which is no earlier than when we did).
const kGraceMarginMs = 1_000;

export class ResumeLoop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cancelled = false;
  private retries = 0;
  private readonly deadline: number;

  constructor(
    graceMs: number,
    private readonly attempt: () => Promise<ResumeOutcome>,
    private readonly done: (result: ResumeResult) => void,
  ) {
    this.deadline = performance.now() + graceMs - kGraceMarginMs;
  }

  start(): void {
    this.schedule(0);
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), delay);
  }

  private async run(): Promise<void> {
    if (this.cancelled) return;
    if (performance.now() >= this.deadline) {
      this.finish('expired');
      return;
    }
    const outcome = await this.attempt();
    if (this.cancelled || outcome === 'stale') return;
    if (outcome !== 'retry') {
      this.finish(outcome);
      return;
    }
    const delay = Math.min(kFirstRetryMs * 2 ** this.retries++, kMaxRetryMs);
    if (performance.now() + delay >= this.deadline) {
      this.finish('expired');
      return;
    }
    this.schedule(delay);
  }

  private finish(result: ResumeResult): void {
    this.cancelled = true;
    this.done(result);
  }
}
