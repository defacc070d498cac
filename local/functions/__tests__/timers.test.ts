import path from 'node:path';
import { LocalCloud } from '../../cloud';
import { parseCron } from '../../../toolchain/cron';
import { attachFunctionHost } from '..';
import { TimerSchedule, timerEvent } from '../timers';

const bj = (text: string): Date => new Date(`${text.replace(' ', 'T')}+08:00`);

describe('TimerSchedule (fake clock)', () => {
  afterEach(() => jest.useRealTimers());

  test('fires at each due time until stopped', () => {
    jest.useFakeTimers({ now: bj('2024-03-15 10:03:00') });
    const schedule = new TimerSchedule();
    const fired: string[] = [];
    schedule.add({ name: 't', config: '0 */5 * * * * *', schedule: parseCron('0 */5 * * * * *') }, (due) =>
      fired.push(due.toISOString()),
    );
    jest.advanceTimersByTime(2 * 60_000 - 1);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([bj('2024-03-15 10:05:00').toISOString()]);
    jest.advanceTimersByTime(10 * 60_000);
    expect(fired).toHaveLength(3);
    schedule.stop();
    jest.advanceTimersByTime(60 * 60_000);
    expect(fired).toHaveLength(3);
  });

  test('waits longer than setTimeout can (a yearly timer)', () => {
    jest.useFakeTimers({ now: bj('2024-03-15 10:00:00') });
    const schedule = new TimerSchedule();
    const fired: Date[] = [];
    schedule.add({ name: 'y', config: '0 0 0 1 1 * *', schedule: parseCron('0 0 0 1 1 * *') }, (due) =>
      fired.push(due),
    );
    jest.advanceTimersByTime(bj('2025-01-01 00:00:00').getTime() - Date.now());
    expect(fired.map((d) => d.toISOString())).toEqual([bj('2025-01-01 00:00:00').toISOString()]);
    schedule.stop();
  });

  test('the timer event has the SCF shape', () => {
    const trigger = { name: 'nightly', config: '0 0 2 * * * *', schedule: parseCron('0 0 2 * * * *') };
    expect(timerEvent(trigger, new Date('2024-03-15T18:00:00Z'))).toEqual({
      Type: 'Timer',
      TriggerName: 'nightly',
      Time: '2024-03-15T18:00:00.000Z',
      Message: '',
    });
  });
});

describe('timers of config.json while the cloud runs (real clock)', () => {
  test('a per-second timer fires the function, which runs as the timer, until the cloud closes', async () => {
    const cloud = new LocalCloud({ functionsDir: path.join(__dirname, 'fixtures-timers') });
    const host = attachFunctionHost(cloud, { log: () => undefined });
    await cloud.listen();
    try {
      // The first fire also bundles the functions, so allow for that.
      let ticks: { trigger: string; time: string; openid: string | null; source: string }[] = [];
      for (let waited = 0; ticks.length < 2 && waited < 5000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ticks = (await host.invoke('tickSink', { read: true }, { source: 'wx_client' })) as typeof ticks;
      }
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const tick of ticks) {
        expect(tick).toMatchObject({ trigger: 'everySecond', openid: null, source: 'wx_trigger,scf' });
        expect(tick.time).toMatch(/\.000Z$/);
      }
    } finally {
      await cloud.close();
    }
  });
});
