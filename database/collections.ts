/**
 * Every collection of the product, with its indexes and its security rule in the JSON form the CloudBase console
 * takes. The local cloud creates exactly these (an unknown collection fails as it does in CloudBase), and
 * `scripts/apply-database.ts` applies them to a real environment.
 */
export interface IndexSpec {
  /** Index name as shown in the console. */
  name: string;
  /** Field paths with 1 (ascending) or -1 (descending); equality queries on the first field use the index. */
  keys: Record<string, 1 | -1>;
  /** @default false */
  unique?: boolean;
}

export interface CollectionSpec {
  name: string;
  indexes: IndexSpec[];
  /** Client access rule (`read`/`write` expressions over `auth`, `doc`, `now`); functions bypass it. */
  rules: { read: string | boolean; write: string | boolean };
}

export const collections: CollectionSpec[] = [];
