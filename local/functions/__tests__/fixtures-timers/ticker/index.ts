import * as cloud from 'wx-server-sdk';

// index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

/** Fired every second by its timer; reports each fire to tickSink through cloud.callFunction. */
export async function main(event: { TriggerName: string; Time: string }) {
  await cloud.callFunction({ name: 'tickSink', data: { trigger: event.TriggerName, time: event.Time } });
  return { ok: true };
}
