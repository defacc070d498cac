import type { Interaction } from '../data/interactions';

/**
 * Two taste groups and two item blocks: user `u<g>-<n>` rates items `i<b>-<m>` 5 when g = b and 1 otherwise.
 * Each user sees a rotating subset (6 of their own block, 3 of the other), so every user has unseen items of both
 * blocks and the right top recommendation is always one of their own block's unseen items.
 */
export function blockRatings(): Interaction[] {
  const rows: Interaction[] = [];
  for (const group of ['a', 'b']) {
    for (let n = 0; n < 10; n++) {
      for (const block of ['a', 'b']) {
        const own = group === block;
        for (let s = 0; s < (own ? 6 : 3); s++) {
          rows.push({ user: `u${group}-${n}`, item: `i${block}-${(n + s) % 10}`, value: own ? 5 : 1 });
        }
      }
    }
  }
  return rows;
}

/** The implicit version of the block fixture: users only touch items of their own block. */
export function blockSignals(): Interaction[] {
  return blockRatings()
    .filter((r) => r.value === 5)
    .map((r) => ({ ...r, value: 1 }));
}

/** Exactly rank-2 ratings 3 + p_u · q_i over 30 users × 24 items, with a deterministic ~75% observed. */
export function lowRankMatrix(): { observed: Interaction[]; hidden: Interaction[] } {
  const observed: Interaction[] = [];
  const hidden: Interaction[] = [];
  for (let u = 0; u < 30; u++) {
    const p = [Math.sin(u + 1), Math.cos(2 * u + 1)];
    for (let i = 0; i < 24; i++) {
      const q = [Math.cos(3 * i + 2) * 0.8, Math.sin(i + 2) * 0.8];
      const row = { user: `user${u}`, item: `item${i}`, value: 3 + p[0]! * q[0]! + p[1]! * q[1]! };
      ((u * 7 + i * 3) % 4 === 0 ? hidden : observed).push(row);
    }
  }
  return { observed, hidden };
}
