/**
 * The recommender's database and storage access through wx-server-sdk: the retrain job's store, the paging that reads
 * every snapshot through it, and the serving store. Every method is one server call unless it says otherwise.
 */
import type * as WxServerSdk from 'wx-server-sdk';
import { found, inTransaction, isDuplicateKey, updated } from '../../db';
import { spendLimit } from '../../limits';
import { type ListShardDoc } from './lists';
import {
  CURRENT_MODEL_ID,
  RETRAIN_LOCK_ID,
  type ModelPointer,
  type RetrainLock,
  type RetrainRun,
  type RetrainStore,
} from '../job/types';
import type { ServingStore } from './serving';
import { SNAPSHOT_BUCKETS, type InteractionSnapshot } from '../data/snapshot';
import { recordInterests } from '../signals';
import { COLLECTIONS } from '../../collections';
import { readPaidCourseOrders, writeExpectedBuyers } from '../../insights/propensity/store';
import { OPEN_COURSE_WHERE } from '../../catalog/visibility';

export type Cloud = typeof WxServerSdk;

/** cloud.deleteFile takes at most 50 file IDs per call. */
const DELETE_BATCH = 50;
const LEASE_LOST = 'retrain lease lost';

type Doc = Record<string, unknown>;

function withoutId<T extends { _id: string }>(doc: T): Omit<T, '_id'> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

async function currentModel(db: ReturnType<Cloud['database']>): Promise<ModelPointer | null> {
  const [pointer] = await found<ModelPointer>(
    db.collection(COLLECTIONS.recModels).where({ _id: CURRENT_MODEL_ID }).limit(1),
  );
  return pointer ?? null;
}

async function download(cloud: Cloud, fileID: string): Promise<Buffer> {
  const { fileContent } = await cloud.downloadFile({ fileID });
  return fileContent as Buffer;
}

/** Ids of the published courses that also match `where`, in `_id` order, 1,000 per read. */
async function publishedIds(db: ReturnType<Cloud['database']>, where: Doc): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const after = ids.length === 0 ? {} : { _id: db.command.gt(ids[ids.length - 1]) };
    const page = await found<{ _id: string }>(
      db
        .collection(COLLECTIONS.courses)
        .where({ ...OPEN_COURSE_WHERE, ...where, ...after })
        .orderBy('_id', 'asc')
        .field({ _id: true })
        .limit(1000),
    );
    ids.push(...page.map((doc) => doc._id));
    if (page.length < 1000) return ids;
  }
}

export function cloudRetrainStore(cloud: Cloud): RetrainStore {
  const db = cloud.database();
  const _ = db.command;
  const runs = () => db.collection(COLLECTIONS.jobRuns);
  const shards = () => db.collection(COLLECTIONS.recommendations);
  return {
    async acquireLock(owner, now, leaseMs) {
      const taken = await runs()
        .where({ _id: RETRAIN_LOCK_ID, leaseUntil: _.lt(now) })
        .update({ data: { owner, leaseUntil: now + leaseMs, beats: _.inc(1) } });
      if ((await updated(taken)) === 1) {
        return (await found<RetrainLock>(runs().where({ _id: RETRAIN_LOCK_ID })))[0] ?? null;
      }
      const lock: RetrainLock = {
        _id: RETRAIN_LOCK_ID,
        job: 'retrain-lock',
        owner,
        leaseUntil: now + leaseMs,
        activeRunId: null,
        lastFinishedAt: null,
      };
      try {
        await runs().add({ data: lock });
        return lock;
      } catch (error) {
        if (isDuplicateKey(error)) return null;
        throw error;
      }
    },
    async renewLock(owner, now, leaseMs) {
      const renewed = await runs()
        .where({ _id: RETRAIN_LOCK_ID, owner })
        .update({ data: { leaseUntil: now + leaseMs, beats: _.inc(1) } });
      return (await updated(renewed)) === 1;
    },
    async releaseLock(owner, head) {
      await runs()
        .where({ _id: RETRAIN_LOCK_ID, owner })
        .update({
          data: { owner: null, leaseUntil: 0, activeRunId: head.activeRunId, lastFinishedAt: head.lastFinishedAt },
        });
    },
    async getRun(id) {
      return (await found<RetrainRun>(runs().where({ _id: id }).limit(1)))[0] ?? null;
    },
    async putRun(run) {
      await runs()
        .doc(run._id)
        .set({ data: withoutId(run) });
    },
    async readSnapshots(fromBucket, toBucket, afterId, limit) {
      const buckets = Array.from({ length: toBucket - fromBucket }, (_v, i) => fromBucket + i);
      const where = afterId === null ? { b: _.in(buckets) } : { b: _.in(buckets), _id: _.gt(afterId) };
      return await found<InteractionSnapshot>(
        db
          .collection(COLLECTIONS.interactions)
          .where(where)
          .orderBy('_id', 'asc')
          .field({ _openid: false, cats: false, interests: false, n: false })
          .limit(limit),
      );
    },
    publishedCourseIds: () => publishedIds(db, {}),
    paidCourseIds: () => publishedIds(db, { priceFen: _.gt(0) }),
    readPaidCourseOrders: (before, afterId, limit) => readPaidCourseOrders(db, before, afterId, limit),
    writeExpectedBuyers: (courseId, field) => writeExpectedBuyers(db, courseId, field),
    currentModel: () => currentModel(db),
    async insertShards(docs: ListShardDoc[]) {
      if (docs.length > 0) await shards().add({ data: docs });
    },
    async removeShards(version, fromShard) {
      await shards()
        .where({ version, shard: _.gte(fromShard) })
        .remove();
    },
    async removeShardsExcept(keep) {
      await shards()
        .where({ version: _.nin(keep) })
        .remove();
    },
    async switchModel(owner, pointer, now, leaseMs) {
      try {
        await inTransaction(db, async (t) => {
          const lock = (await t.collection(COLLECTIONS.jobRuns).doc(RETRAIN_LOCK_ID).get()) as { data: RetrainLock };
          if (lock.data.owner !== owner || lock.data.leaseUntil < now) throw new Error(LEASE_LOST);
          await t
            .collection(COLLECTIONS.jobRuns)
            .doc(RETRAIN_LOCK_ID)
            .update({ data: { leaseUntil: now + leaseMs, beats: _.inc(1) } });
          await t
            .collection(COLLECTIONS.recModels)
            .doc(CURRENT_MODEL_ID)
            .set({ data: withoutId(pointer) });
        });
        return true;
      } catch (error) {
        if (error instanceof Error && error.message.includes(LEASE_LOST)) return false;
        throw error;
      }
    },
    async upload(cloudPath, bytes) {
      const { fileID } = await cloud.uploadFile({ cloudPath, fileContent: bytes });
      return fileID;
    },
    download: (fileID) => download(cloud, fileID),
    async deleteFiles(fileIds) {
      for (let i = 0; i < fileIds.length; i += DELETE_BATCH) {
        await cloud.deleteFile({ fileList: fileIds.slice(i, i + DELETE_BATCH) });
      }
    },
  };
}

/**
 * Reads every snapshot in bucket ranges sized from the density seen so far, aiming at 80 % of a page: a range that
 * fills the page is read again in halves (or, for one bucket, continued after its last id). Returns the reads made.
 */
export async function readAllSnapshots(
  store: Pick<RetrainStore, 'readSnapshots'>,
  pageSize: number,
  take: (doc: InteractionSnapshot) => void,
): Promise<number> {
  let reads = 0;
  let from = 0;
  let width = 1;
  let after: string | null = null;
  while (from < SNAPSHOT_BUCKETS) {
    const to = Math.min(SNAPSHOT_BUCKETS, from + width);
    const page = await store.readSnapshots(from, to, after, pageSize);
    reads++;
    if (page.length >= pageSize && width > 1) {
      width = Math.max(1, Math.floor(width / 2));
      continue;
    }
    for (const doc of page) take(doc);
    if (page.length >= pageSize) {
      after = (page[page.length - 1] as InteractionSnapshot)._id;
      continue;
    }
    const density = page.length / (to - from);
    after = null;
    from = to;
    width = Math.max(1, Math.min(SNAPSHOT_BUCKETS, Math.floor((0.8 * pageSize) / Math.max(density, 1e-3))));
  }
  return reads;
}

export function cloudServingStore(cloud: Cloud): ServingStore {
  const db = cloud.database();
  const _ = db.command;
  const courses = () => db.collection(COLLECTIONS.courses);
  return {
    currentModel: () => currentModel(db),
    async learner(openid, shardId) {
      let query = db.collection(COLLECTIONS.interactions).aggregate().match({ _id: openid });
      if (shardId !== null) {
        query = query.lookup({
          from: COLLECTIONS.recommendations,
          pipeline: [{ $match: { _id: shardId } }, { $project: { _id: 0, list: `$lists.${openid}` } }],
          as: 'shard',
        });
      }
      const [found] = ((await query.end()) as { list: unknown[] }).list as (InteractionSnapshot & {
        shard?: { list?: unknown }[];
      })[];
      if (found === undefined) return { snapshot: null, list: null };
      const { shard, ...snapshot } = found;
      const list = shard?.[0]?.list;
      return { snapshot, list: Array.isArray(list) ? list : null };
    },
    async coursesByIds(ids) {
      if (ids.length === 0) return [];
      return await found<Doc>(
        courses()
          .where({ _id: _.in(ids) })
          .limit(ids.length),
      );
    },
    async popularCourses(categories, limit) {
      const where: Doc = { ...OPEN_COURSE_WHERE };
      if (categories !== null) where.category = _.in(categories);
      return await found<Doc>(
        courses().where(where).orderBy('learnerCount', 'desc').orderBy('_id', 'asc').limit(limit),
      );
    },
    download: (fileID) => download(cloud, fileID),
    async knownCategories(ids) {
      if (ids.length === 0) return [];
      const known = await found<{ _id: string }>(
        db
          .collection(COLLECTIONS.categories)
          .where({ _id: _.in(ids) })
          .field({ _id: true })
          .limit(ids.length),
      );
      return known.map((doc) => doc._id);
    },
    // A learner's write, limited like every other (shared/limits); setInterests has checked the categories first.
    recordInterests: async (openid, categories, now) => {
      await spendLimit(db, openid, 'setInterests', now);
      await recordInterests(db, openid, { categories }, now);
    },
  };
}
