import path from 'node:path';
import type { LocalCloud } from '../cloud';
import { registerDatabaseActions } from './actions';
import { LocalDatabase } from './database';
import { SqlitePersistence } from './persistence';

const attached = new WeakMap<LocalCloud, LocalDatabase>();

/** Creates the database (in memory, or durable under `dataDir`) and serves its server-API actions. */
export function attachDatabase(cloud: LocalCloud): LocalDatabase {
  const dataDir = cloud.options.dataDir;
  const persistence = dataDir ? new SqlitePersistence(path.join(dataDir, 'database')) : undefined;
  const db = new LocalDatabase(cloud.collections, persistence);
  registerDatabaseActions(cloud.admin, db);
  cloud.onClose(() => db.close());
  attached.set(cloud, db);
  return db;
}

/** The database attached to a cloud (tests and benchmarks that watch its query plans). */
export function databaseOf(cloud: LocalCloud): LocalDatabase {
  const db = attached.get(cloud);
  if (!db) throw new Error('no database is attached to this cloud');
  return db;
}
