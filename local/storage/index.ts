import path from 'node:path';
import type { LocalCloud } from '../cloud';
import type { CloudPart } from '../parts';
import { DiskBlobStore, MemoryBlobStore } from './blobs';
import { DOWNLOAD_ROUTE, Storage, UPLOAD_ROUTE, type StorageOptions } from './storage';

export { Storage, type StorageOptions } from './storage';
export { DEFAULT_URL_MAX_AGE_SEC, MAX_FILES_PER_CALL, MAX_URL_MAX_AGE_SEC } from './storage';

/**
 * The storage part: the `storage.*` server-API actions, the PUT endpoint uploads go to and the temp URL endpoint.
 * Files live under `<dataDir>/storage/`, or in memory when `dataDir` is null.
 */
export function storagePart(options: StorageOptions = {}): CloudPart<'storage'> {
  return {
    name: 'storage',
    attach(cloud) {
      const dataDir = cloud.options.dataDir ?? null;
      const blobs = dataDir === null ? new MemoryBlobStore() : new DiskBlobStore(path.join(dataDir, 'storage'));
      const storage = new Storage(cloud, blobs, options);
      cloud.admin.register('storage.getUploadMetadata', (request) => storage.getUploadMetadata(request));
      cloud.admin.register('storage.batchGetDownloadUrl', (request) => storage.batchGetDownloadUrl(request));
      cloud.admin.register('storage.batchDeleteFile', (request) => storage.batchDeleteFile(request));
      cloud.routes.add('PUT', UPLOAD_ROUTE, (req, res, match) => storage.receiveUpload(req, res, match));
      cloud.routes.add('GET', DOWNLOAD_ROUTE, (req, res, match, url) => storage.serveDownload(req, res, match, url));
      cloud.routes.add('HEAD', DOWNLOAD_ROUTE, (req, res, match, url) => storage.serveDownload(req, res, match, url));
      return storage;
    },
  };
}

/** Adds storage to a cloud built by hand (a storage-only test cloud with its own clock and limits). */
export function attachStorage(cloud: LocalCloud, options: StorageOptions = {}): Storage {
  return cloud.parts.add(storagePart(options));
}

/** The storage attached to a cloud (for the demo catalog loader, tests and sandboxes that hold only the cloud). */
export function storageOf(cloud: LocalCloud): Storage {
  return cloud.parts.get('storage');
}
