/**
 * Course cards shown, batched: each `course-card` tells the queue when it is attached, and the queue sends the counts
 * with `catalog.impressions` (one server write per batch: shared/insights/daily/impressions.ts) at most every
 * `intervalMs`, as soon as `MAX_COURSES` courses are waiting, and when the app goes to the background. A batch that
 * fails is kept for the next one; what a card is shown more than the server takes in one batch is capped, not queued
 * forever.
 */
import type { CatalogImpressionsParams } from '../../shared/contract';

/** The most courses one `catalog.impressions` call takes, and the most one course counts in it. */
export const MAX_COURSES = 50;
export const MAX_COUNT = 20;

export interface ImpressionDeps {
  send(items: CatalogImpressionsParams['items']): Promise<unknown>;
  /** Runs `flush` later (a timer). */
  later(flush: () => void, ms: number): void;
  /** @default 30000 */
  intervalMs?: number;
}

export class ImpressionQueue {
  private readonly counts = new Map<string, number>();
  private scheduled = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly deps: ImpressionDeps) {}

  /** A card of `courseId` was shown. */
  seen(courseId: string): void {
    if (!courseId) return;
    this.add(courseId, 1);
    if (this.counts.size >= MAX_COURSES) void this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      this.deps.later(() => {
        this.scheduled = false;
        void this.flush();
      }, this.deps.intervalMs ?? 30_000);
    }
  }

  /** Sends what is waiting (one batch); a failed send keeps it for the next flush. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.counts.size === 0) return Promise.resolve();
    const items = [...this.counts].slice(0, MAX_COURSES).map(([courseId, count]) => ({ courseId, count }));
    for (const { courseId } of items) this.counts.delete(courseId);
    this.inFlight = this.deps.send(items).then(
      () => {
        this.inFlight = undefined;
      },
      () => {
        for (const { courseId, count } of items) this.add(courseId, count);
        this.inFlight = undefined;
      },
    );
    return this.inFlight;
  }

  private add(courseId: string, count: number): void {
    this.counts.set(courseId, Math.min(MAX_COUNT, (this.counts.get(courseId) ?? 0) + count));
  }
}
