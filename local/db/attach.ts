import path from 'node:path';
import type { LocalCloud } from '../cloud';
import type { CloudPart } from '../parts';
import { registerDatabaseActions } from './actions';
import { LocalDatabase } from './database';
import { SqlitePersistence } from './persistence';

/** The database part: in memory, or durable under `dataDir`, serving its server-API actions. */
export function databasePart(): CloudPart<'database'> {
  return {
    name: 'database',
    attach(cloud) {
      const dataDir = cloud.options.dataDir;
      const persistence = dataDir ? new SqlitePersistence(path.join(dataDir, 'database')) : undefined;
      const db = new LocalDatabase(cloud.collections, persistence);
      registerDatabaseActions(cloud.admin, db);
      return db;
    },
    close: (db) => db.close(),
  };
}

/** The database attached to a cloud (tests and benchmarks that watch its query plans). */
export function databaseOf(cloud: LocalCloud): LocalDatabase {
  return cloud.parts.get('database');
}
