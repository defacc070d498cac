/**
 * Progress reports while a lesson plays: at most one every `intervalMs` of playing, one when playback pauses or ends,
 * and one when the learner leaves. A report that fails is kept and sent again with the time it was read, so the
 * server orders late reports correctly (`reportedAt`, API.md §1).
 */

export interface ProgressSample {
  positionSec: number;
  durationSec: number;
  /** Epoch ms when the position was read. */
  reportedAt: number;
}

export interface ReporterDeps {
  send(sample: ProgressSample): Promise<unknown>;
  now(): number;
  /** @default 15000 */
  intervalMs?: number;
}

export class ProgressReporter {
  private latest: ProgressSample | undefined;
  private lastSentAt = -Infinity;
  private sentPosition = -1;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly deps: ReporterDeps) {}

  /** The player's time update; sends when the interval since the last report has passed. */
  tick(positionSec: number, durationSec: number): void {
    if (!(durationSec > 0) || !(positionSec >= 0)) return;
    this.latest = { positionSec: Math.min(positionSec, durationSec), durationSec, reportedAt: this.deps.now() };
    if (this.latest.reportedAt - this.lastSentAt >= (this.deps.intervalMs ?? 15000)) void this.flush();
  }

  /** Sends the latest position now if it changed since the last report (pause, end, leaving the page). */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight.then(() => this.flush());
    const sample = this.latest;
    if (!sample || Math.abs(sample.positionSec - this.sentPosition) < 0.5) return Promise.resolve();
    this.lastSentAt = sample.reportedAt;
    this.inFlight = this.deps.send(sample).then(
      () => {
        this.sentPosition = sample.positionSec;
        this.inFlight = undefined;
      },
      () => {
        // Kept: `latest` still holds the sample (or a newer one), and the next tick or flush sends it.
        this.inFlight = undefined;
      },
    );
    return this.inFlight;
  }
}
