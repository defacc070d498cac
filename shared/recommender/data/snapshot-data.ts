/**
 * What the nightly retrain works on: every learner's signals from their snapshot document, as one sparse matrix with
 * dense indexes, the learners to write lists for, and a seeded held-out slice (one signal each of a sample of
 * learners) that the fit does not see and the keep-or-switch decision is measured on.
 */
import { arrayOf, decodeBinary, encodeBinary } from './binary';
import { fromUserRows, IdMap, type InteractionMatrix } from './interactions';
import { SeededRandom } from '../algorithms/random';
import { isActive, snapshotStrengths, type InteractionSnapshot } from './snapshot';

export interface SnapshotData {
  userIds: string[];
  itemIds: string[];
  /** Row u of every learner's signals spans [pointers[u], pointers[u + 1]) of `items`/`values`. */
  pointers: Int32Array;
  items: Int32Array;
  values: Float32Array;
  /** Learners active in the last 30 days (user indexes, ascending). */
  active: Int32Array;
  /** The held-out slice: learner heldUsers[h] has item heldItems[h] hidden from the fit. */
  heldUsers: Int32Array;
  heldItems: Int32Array;
  /** Published course ids when the snapshots were read. */
  published: string[];
}

export interface CollectOptions {
  now: Date;
  /** Learners sampled for the held-out slice (each with at least 3 signals gives one). */
  heldOutUsers: number;
  seed: number;
  activeDays: number;
}

/** Accumulates snapshot documents page by page; `finish` builds the arrays. */
export class SnapshotCollector {
  private readonly userIds: string[] = [];
  private readonly itemIndex = new Map<string, number>();
  private readonly itemIds: string[] = [];
  private readonly rowItems: number[] = [];
  private readonly rowValues: number[] = [];
  private readonly rowEnds: number[] = [];
  private readonly active: number[] = [];

  constructor(private readonly options: CollectOptions) {}

  get learners(): number {
    return this.userIds.length;
  }

  add(doc: InteractionSnapshot): void {
    const strengths = snapshotStrengths(doc);
    if (strengths.size === 0) return;
    const user = this.userIds.push(doc._id) - 1;
    for (const [id, value] of strengths) {
      let item = this.itemIndex.get(id);
      if (item === undefined) {
        item = this.itemIds.push(id) - 1;
        this.itemIndex.set(id, item);
      }
      this.rowItems.push(item);
      this.rowValues.push(value);
    }
    this.rowEnds.push(this.rowItems.length);
    if (isActive(doc, this.options.now, this.options.activeDays)) this.active.push(user);
  }

  finish(published: readonly string[]): SnapshotData {
    const pointers = new Int32Array(this.userIds.length + 1);
    this.rowEnds.forEach((end, u) => (pointers[u + 1] = end));
    const random = new SeededRandom(this.options.seed);
    const eligible: number[] = [];
    for (let u = 0; u < this.userIds.length; u++) if (pointers[u + 1]! - pointers[u]! >= 3) eligible.push(u);
    // Partial Fisher–Yates: the first `take` of a seeded shuffle, then in index order.
    const take = Math.min(this.options.heldOutUsers, eligible.length);
    for (let h = 0; h < take; h++) {
      const pick = h + Math.floor(random.uniform() * (eligible.length - h));
      [eligible[h], eligible[pick]] = [eligible[pick]!, eligible[h]!];
    }
    const heldUsers = Int32Array.from(eligible.slice(0, take)).sort();
    const heldItems = new Int32Array(take);
    heldUsers.forEach((u, h) => {
      const start = pointers[u]!;
      const length = pointers[u + 1]! - start;
      heldItems[h] = this.rowItems[start + Math.floor(random.uniform() * length)]!;
    });
    return {
      userIds: this.userIds,
      itemIds: this.itemIds,
      pointers,
      items: Int32Array.from(this.rowItems),
      values: Float32Array.from(this.rowValues),
      active: Int32Array.from(this.active),
      heldUsers,
      heldItems,
      published: [...published],
    };
  }
}

export function encodeSnapshotData(data: SnapshotData): Buffer {
  const { userIds, itemIds, published, ...arrays } = data;
  return encodeBinary({ format: 'cloudcourse-snapshot', userIds, itemIds, published }, arrays);
}

export function decodeSnapshotData(bytes: Buffer): SnapshotData {
  const { header, arrays } = decodeBinary<{
    format: string;
    userIds: string[];
    itemIds: string[];
    published: string[];
  }>(bytes);
  if (header.format !== 'cloudcourse-snapshot') throw new Error('Not a snapshot data file');
  return {
    userIds: header.userIds,
    itemIds: header.itemIds,
    published: header.published,
    pointers: arrayOf(arrays, 'pointers', 'i32'),
    items: arrayOf(arrays, 'items', 'i32'),
    values: arrayOf(arrays, 'values', 'f32'),
    active: arrayOf(arrays, 'active', 'i32'),
    heldUsers: arrayOf(arrays, 'heldUsers', 'i32'),
    heldItems: arrayOf(arrays, 'heldItems', 'i32'),
  };
}

/** The held-out item of each learner in the slice, by user index. */
function heldOutByUser(data: SnapshotData): Map<number, number> {
  const held = new Map<number, number>();
  data.heldUsers.forEach((u, h) => held.set(u, data.heldItems[h]!));
  return held;
}

/** The fitting matrix: every signal except the held-out slice, by user and by item (CSR). */
export function trainingMatrix(data: SnapshotData): InteractionMatrix {
  const held = heldOutByUser(data);
  const users = data.userIds.length;
  const count = data.items.length - held.size;
  const userPointers = new Int32Array(users + 1);
  const userItems = new Int32Array(count);
  const userValues = new Float64Array(count);
  let slot = 0;
  for (let u = 0; u < users; u++) {
    const skip = held.get(u);
    for (let p = data.pointers[u]!; p < data.pointers[u + 1]!; p++) {
      const item = data.items[p]!;
      if (item === skip) continue;
      userItems[slot] = item;
      userValues[slot] = data.values[p]!;
      slot++;
    }
    userPointers[u + 1] = slot;
  }
  return fromUserRows(new IdMap(data.userIds), new IdMap(data.itemIds), { userPointers, userItems, userValues });
}

/** A learner's signals as course id → strength (all of them, or without the held-out one). */
export function userStrengths(data: SnapshotData, u: number, withoutItem?: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let p = data.pointers[u]!; p < data.pointers[u + 1]!; p++) {
    const item = data.items[p]!;
    if (item !== withoutItem) out.set(data.itemIds[item]!, data.values[p]!);
  }
  return out;
}
