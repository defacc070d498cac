/**
 * The mini-program seen in a real browser: every page and state rendered in Debian's Chromium against a local cloud
 * of its own (free port, temp data folder, demo catalog), through a purchase with the sandbox payment. Fails when a
 * page throws, renders nothing, never finishes loading, or does not show what its state must.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSession, problemOf, takeScreenshots, type Session, type Shot } from '../shoot';

jest.setTimeout(240_000);

let session: Session;
let shots: Shot[];
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudcourse-shots-'));

beforeAll(async () => {
  session = await openSession();
  shots = await takeScreenshots(session, outDir);
});

afterAll(async () => {
  await session?.close();
  fs.rmSync(outDir, { recursive: true, force: true });
});

it('takes one screenshot per page and state', () => {
  expect(shots.map((s) => s.name)).toEqual(
    expect.arrayContaining([
      'home',
      'list',
      'detail-visitor',
      'detail-enrolled',
      'detail-payment-failed',
      'lesson',
      'lesson-fullscreen',
      'my-courses',
      'orders',
      'orders-refund',
      'review',
      'detail-sale',
      'detail-checkout',
      'detail-membership',
      'detail-membership-checkout',
      'coupons',
      'coupons-claimed',
      'my-coupons',
      'redeem',
      'redeem-refused',
      'bundles',
      'bundle-membership',
      'bundle-column',
      'bundle-pending',
      'bundle-bought',
      'my-courses-access',
      'list-sale',
      'me-creator',
      'creator',
      'creator-week',
      'creator-course',
      'creator-course-rejected',
      'creator-promotions',
      'creator-reviews',
      'creator-reviews-hidden',
      'creator-new',
      'creator-refused',
    ]),
  );
  for (const shot of shots) expect(fs.statSync(shot.file).size).toBeGreaterThan(10_000);
});

it('renders every page with content and without a script error', () => {
  expect(shots.map(problemOf).filter(Boolean)).toEqual([]);
});

it('shows in each state what that state must show, and no error, empty or loading state it should not', () => {
  for (const shot of shots)
    expect({ shot: shot.name, missing: shot.missing }).toEqual({ shot: shot.name, missing: [] });
});
