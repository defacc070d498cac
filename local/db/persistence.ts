import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EJSON } from 'bson';
import { encodeEjson, type Doc } from './ejson';

/** One committed change: a document's new content, or `null` for a removal. */
export interface Change {
  collection: string;
  id: string;
  doc: Doc | null;
}

/**
 * Durable storage of the documents in one SQLite file. Every acknowledged write is committed here before the reply,
 * in WAL mode: a committed transaction survives the process being killed (`synchronous=NORMAL` only risks the last
 * commits on a power loss, not on a crash), and the file is never left unreadable.
 */
export class SqlitePersistence {
  private readonly db: Database.Database;
  private readonly upsertDoc: Database.Statement;
  private readonly deleteDoc: Database.Statement;
  private readonly insertCollection: Database.Statement;
  private readonly applyChanges: (changes: Change[]) => void;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true });
    this.db = new Database(path.join(dataDir, 'database.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS documents (
        collection TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (collection, id)
      );`);
    this.upsertDoc = this.db.prepare(
      'INSERT INTO documents (collection, id, body) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET body = excluded.body',
    );
    this.deleteDoc = this.db.prepare('DELETE FROM documents WHERE collection = ? AND id = ?');
    this.insertCollection = this.db.prepare('INSERT OR IGNORE INTO collections (name) VALUES (?)');
    this.applyChanges = this.db.transaction((changes: Change[]) => {
      for (const change of changes) {
        if (change.doc) this.upsertDoc.run(change.collection, change.id, encodeEjson(change.doc));
        else this.deleteDoc.run(change.collection, change.id);
      }
    });
  }

  collectionNames(): string[] {
    return (this.db.prepare('SELECT name FROM collections').all() as { name: string }[]).map((row) => row.name);
  }

  *documents(): Iterable<{ collection: string; id: string; doc: Doc }> {
    const rows = this.db
      .prepare('SELECT collection, id, body FROM documents ORDER BY rowid /* insertion order */')
      .iterate() as Iterable<{
      collection: string;
      id: string;
      body: string;
    }>;
    for (const row of rows) yield { collection: row.collection, id: row.id, doc: EJSON.parse(row.body) as Doc };
  }

  addCollection(name: string): void {
    this.insertCollection.run(name);
  }

  /** Commits a batch of changes atomically. */
  write(changes: Change[]): void {
    if (changes.length > 0) this.applyChanges(changes);
  }

  close(): void {
    this.db.close();
  }
}
