import * as cloud from 'wx-server-sdk';

// index.d.ts types `env` as a string, but the SDK documents and accepts the DYNAMIC_CURRENT_ENV symbol.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const ticks: unknown[] = [];

/** Records the ticks it is sent, with the caller identity it sees; `{ read: true }` returns them. */
export async function main(event: { read?: boolean; trigger?: string; time?: string }) {
  if (event.read) return ticks;
  const { OPENID, SOURCE } = cloud.getWXContext();
  ticks.push({ trigger: event.trigger, time: event.time, openid: OPENID ?? null, source: SOURCE });
  return { recorded: ticks.length };
}
