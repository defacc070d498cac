import path from 'node:path';
import type { LocalCloud } from '../cloud';
import { registerDatabaseActions } from './actions';
import { LocalDatabase } from './database';
import { SqlitePersistence } from './persistence';

/** Creates the database (in memory, or durable under `dataDir`) and serves its server-API actions. */
export function attachDatabase(cloud: LocalCloud): LocalDatabase {
  const dataDir = cloud.options.dataDir;
  const persistence = dataDir ? new SqlitePersistence(path.join(dataDir, 'database')) : undefined;
  const db = new LocalDatabase(cloud.collections, persistence);
  registerDatabaseActions(cloud.admin, db);
  cloud.onClose(() => db.close());
  return db;
}
