import { nextFireTime } from '../../toolchain/cron';
import type { TimerTrigger } from '../../toolchain/function-config';

/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The event SCF passes to a function its timer trigger fires. */
export interface TimerEvent {
  Type: 'Timer';
  TriggerName: string;
  /** When the trigger was due, ISO-8601 UTC. */
  Time: string;
  Message: string;
}

export function timerEvent(trigger: TimerTrigger, time: Date): TimerEvent {
  return { Type: 'Timer', TriggerName: trigger.name, Time: time.toISOString(), Message: '' };
}

/**
 * Keeps one timer armed per trigger until `stop()`. A fire that is due while the process was busy or asleep happens
 * once, late; missed repetitions are not replayed, as a platform that was down would not replay them either.
 */
export class TimerSchedule {
  private readonly handles = new Set<NodeJS.Timeout>();
  private stopped = false;

  add(trigger: TimerTrigger, fire: (dueAt: Date) => void): void {
    const arm = (after: Date): void => {
      const due = nextFireTime(trigger.schedule, after);
      if (!due || this.stopped) return;
      const wait = (): void => {
        const delay = due.getTime() - Date.now();
        if (delay > 0) {
          const handle = setTimeout(
            () => {
              this.handles.delete(handle);
              wait();
            },
            Math.min(delay, MAX_DELAY_MS),
          );
          // The HTTP server keeps the cloud alive; a pending timer alone must not.
          handle.unref();
          this.handles.add(handle);
          return;
        }
        fire(due);
        arm(new Date(Math.max(Date.now(), due.getTime())));
      };
      wait();
    };
    arm(new Date());
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
