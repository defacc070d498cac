/** One observed user–item signal: an explicit rating, or an implicit strength (purchase, progress, completion). */
export interface Interaction {
  user: string;
  item: string;
  value: number;
}

/** Raw id ↔ dense index map, built once per fit in order of first appearance. */
export class IdMap {
  readonly ids: readonly string[];
  private readonly indexById: ReadonlyMap<string, number>;

  constructor(ids: readonly string[]) {
    const indexById = new Map<string, number>();
    ids.forEach((id, index) => {
      if (indexById.has(id)) throw new Error(`Duplicate id in id list: ${JSON.stringify(id)}`);
      indexById.set(id, index);
    });
    this.ids = ids;
    this.indexById = indexById;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Dense index of a raw id, or undefined when the id was not seen in training. */
  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  /** Raw id of a dense index. */
  idAt(index: number): string {
    const id = this.ids[index];
    if (id === undefined) throw new RangeError(`No id at index ${index}`);
    return id;
  }
}

/** Sparse user × item matrix stored twice, by user and by item (CSR), with dense indices. */
export interface InteractionMatrix {
  users: IdMap;
  items: IdMap;
  /** Row r of the by-user view spans [userPointers[r], userPointers[r + 1]). */
  userPointers: Int32Array;
  userItems: Int32Array;
  userValues: Float64Array;
  itemPointers: Int32Array;
  itemUsers: Int32Array;
  itemValues: Float64Array;
  /** Number of distinct user–item pairs. */
  count: number;
  mean: number;
  min: number;
  max: number;
}

/**
 * Builds the id maps and both CSR views. A repeated user–item pair keeps its last value for `'last'` (ratings) or adds
 * up for `'sum'` (implicit signals).
 */
export function buildInteractionMatrix(
  interactions: readonly Interaction[],
  duplicates: 'last' | 'sum' = 'last',
): InteractionMatrix {
  if (interactions.length === 0) throw new Error('Cannot fit on an empty interaction list');
  const userIds: string[] = [];
  const itemIds: string[] = [];
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const pairs = new Map<string, [number, number, number]>();
  for (const { user, item, value } of interactions) {
    if (typeof user !== 'string' || user === '') throw new Error('Interaction user must be a non-empty string');
    if (typeof item !== 'string' || item === '') throw new Error('Interaction item must be a non-empty string');
    if (!Number.isFinite(value)) throw new Error(`Interaction value must be finite (user ${user}, item ${item})`);
    let u = userIndex.get(user);
    if (u === undefined) {
      u = userIds.push(user) - 1;
      userIndex.set(user, u);
    }
    let i = itemIndex.get(item);
    if (i === undefined) {
      i = itemIds.push(item) - 1;
      itemIndex.set(item, i);
    }
    const key = `${u}:${i}`;
    const previous = pairs.get(key);
    if (previous !== undefined && duplicates === 'sum') previous[2] += value;
    else pairs.set(key, [u, i, value]);
  }

  const triples = [...pairs.values()];
  // Triples are in first-appearance order; sorting each row by index keeps the layout independent of input order.
  triples.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const userPointers = new Int32Array(userIds.length + 1);
  const userItems = new Int32Array(triples.length);
  const userValues = new Float64Array(triples.length);
  triples.forEach(([u, i, value], slot) => {
    userPointers[u + 1] = slot + 1;
    userItems[slot] = i;
    userValues[slot] = value;
  });
  return fromUserRows(new IdMap(userIds), new IdMap(itemIds), { userPointers, userItems, userValues });
}

/**
 * The one builder of an InteractionMatrix: adds the by-item view (each item's users in ascending order) and the value
 * statistics to a by-user view in which every user has a row.
 */
export function fromUserRows(
  users: IdMap,
  items: IdMap,
  rows: Pick<InteractionMatrix, 'userPointers' | 'userItems' | 'userValues'>,
): InteractionMatrix {
  const { userPointers, userItems, userValues } = rows;
  const count = userItems.length;
  const itemPointers = new Int32Array(items.size + 1);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < count; p++) {
    const value = userValues[p]!;
    itemPointers[userItems[p]! + 1]! += 1;
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  for (let i = 0; i < items.size; i++) itemPointers[i + 1]! += itemPointers[i]!;
  const fill = itemPointers.slice(0, items.size);
  const itemUsers = new Int32Array(count);
  const itemValues = new Float64Array(count);
  for (let u = 0; u < users.size; u++) {
    for (let p = userPointers[u]!; p < userPointers[u + 1]!; p++) {
      const at = fill[userItems[p]!]!++;
      itemUsers[at] = u;
      itemValues[at] = userValues[p]!;
    }
  }
  return {
    users,
    items,
    userPointers,
    userItems,
    userValues,
    itemPointers,
    itemUsers,
    itemValues,
    count,
    mean: count > 0 ? sum / count : 0,
    min,
    max,
  };
}
