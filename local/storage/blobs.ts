import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where stored files' bytes live, keyed by cloudPath. */
export interface BlobStore {
  read(cloudPath: string): Promise<Buffer | undefined>;
  write(cloudPath: string, bytes: Buffer): Promise<void>;
  /** Whether the file existed. */
  remove(cloudPath: string): Promise<boolean>;
  has(cloudPath: string): Promise<boolean>;
  /** The secret temp URLs are signed with; a folder keeps it so URLs given out survive a restart. */
  readonly urlSecret: Buffer;
}

export class MemoryBlobStore implements BlobStore {
  private readonly files = new Map<string, Buffer>();
  readonly urlSecret = randomBytes(32);

  async read(cloudPath: string): Promise<Buffer | undefined> {
    return this.files.get(cloudPath);
  }

  async write(cloudPath: string, bytes: Buffer): Promise<void> {
    this.files.set(cloudPath, Buffer.from(bytes));
  }

  async remove(cloudPath: string): Promise<boolean> {
    return this.files.delete(cloudPath);
  }

  async has(cloudPath: string): Promise<boolean> {
    return this.files.has(cloudPath);
  }
}

/**
 * Files in a folder: `objects/<sha256 of the cloudPath>` holds the bytes and `<same>.json` names the cloudPath (for
 * people looking at the folder). Hashed names mean no cloudPath ever becomes a filesystem path, and a file `a` can sit
 * next to `a/b` as it can in COS. Writes go to a temporary file that is synced and renamed into place, so a file is
 * either the old bytes or the new ones, never a torn mix.
 */
export class DiskBlobStore implements BlobStore {
  private readonly objectsDir: string;
  readonly urlSecret: Buffer;

  constructor(root: string) {
    this.objectsDir = path.join(root, 'objects');
    mkdirSync(this.objectsDir, { recursive: true });
    const secretFile = path.join(root, 'url-secret');
    if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32), { mode: 0o600 });
    this.urlSecret = readFileSync(secretFile);
  }

  private fileOf(cloudPath: string): string {
    return path.join(this.objectsDir, createHash('sha256').update(cloudPath).digest('hex'));
  }

  async read(cloudPath: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.fileOf(cloudPath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async write(cloudPath: string, bytes: Buffer): Promise<void> {
    const file = this.fileOf(cloudPath);
    await writeDurably(`${file}.json`, Buffer.from(JSON.stringify({ cloudPath })));
    await writeDurably(file, bytes);
  }

  async remove(cloudPath: string): Promise<boolean> {
    const file = this.fileOf(cloudPath);
    const existed = await this.has(cloudPath);
    await rm(file, { force: true });
    await rm(`${file}.json`, { force: true });
    return existed;
  }

  async has(cloudPath: string): Promise<boolean> {
    try {
      return (await stat(this.fileOf(cloudPath))).isFile();
    } catch {
      return false;
    }
  }
}

async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
}
