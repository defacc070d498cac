/**
 * Readiness (API.md §2): `GET /healthz` answers 503 while the cloud is still loading what its start loads (the demo
 * catalog for `npm start`), and 200 once that is in, so a script that waits for 200 never sees an empty catalog.
 */
import type { LocalCloud } from '../cloud';
import { startLocalCloud } from '../start';

const health = async (cloud: LocalCloud) => (await fetch(`${cloud.url}/healthz`)).status;

it('readiness: /healthz answers 503 until the start has loaded its data, then 200', async () => {
  let starting: LocalCloud | undefined;
  let reached!: () => void;
  const inPrepare = new Promise<void>((resolve) => (reached = resolve));
  let finish!: () => void;
  const loaded = new Promise<void>((resolve) => (finish = resolve));
  const started = startLocalCloud({ dataDir: null }, async (cloud) => {
    starting = cloud;
    reached();
    await loaded;
  });
  await inPrepare;
  const cloud = starting as LocalCloud;
  try {
    // Listening already (the loading goes through it), but not ready.
    expect(await health(cloud)).toBe(503);
    expect(await (await fetch(`${cloud.url}/healthz`)).json()).toEqual({ ok: false, errMsg: 'starting' });
    finish();
    expect(await started).toBe(cloud);
    expect(await health(cloud)).toBe(200);
  } finally {
    await cloud.close();
  }
});

it('readiness: a start whose loading fails closes the cloud and says why', async () => {
  await expect(
    startLocalCloud({ dataDir: null }, async () => {
      throw new Error('demo catalog broken');
    }),
  ).rejects.toThrow('demo catalog broken');
});
