import { COVER_URL_LIFETIME_SEC, COVER_URL_MIN_LEFT_SEC, CoverUrls } from '../cover-urls';
import { MAX_FILES_PER_CALL, sdkTempUrls, type TempUrls } from '../temp-urls';

const A = 'cloud://env.b/covers/a/1-a.png';
const B = 'cloud://env.b/covers/b/2-b.png';

/** A storage holding `files`, counting calls, answering URLs that say when they were issued. */
function fakeStorage(files: string[]) {
  const calls: { fileIds: readonly string[]; maxAgeSec: number }[] = [];
  let issued = 0;
  const tempUrls: TempUrls = async (fileIds, maxAgeSec) => {
    calls.push({ fileIds, maxAgeSec });
    issued += 1;
    return new Map(
      fileIds.filter((id) => files.includes(id)).map((id) => [id, `https://tcb/${id.slice(8)}?t=${issued}`]),
    );
  };
  return { tempUrls, calls };
}

describe('CoverUrls', () => {
  it('replaces every cover fileID, however deep, with its URL and leaves everything else as it was', async () => {
    const storage = fakeStorage([A, B]);
    const covers = new CoverUrls(storage.tempUrls, { now: () => 0 });
    const updatedAt = new Date(0);
    const data = {
      items: [{ course: { id: 'a', cover: A, title: 'cover' } }, { course: { id: 'b', cover: B } }],
      bundle: { cover: A, courses: [{ cover: B }] },
      note: A,
      cover: 'https://already/a-url.png',
      updatedAt,
    };
    const out = await covers.resolve(data);
    expect(out).toEqual({
      items: [
        { course: { id: 'a', cover: 'https://tcb/env.b/covers/a/1-a.png?t=1', title: 'cover' } },
        { course: { id: 'b', cover: 'https://tcb/env.b/covers/b/2-b.png?t=1' } },
      ],
      bundle: {
        cover: 'https://tcb/env.b/covers/a/1-a.png?t=1',
        courses: [{ cover: 'https://tcb/env.b/covers/b/2-b.png?t=1' }],
      },
      // Only a field named `cover` is a cover.
      note: A,
      cover: 'https://already/a-url.png',
      updatedAt,
    });
    expect(out.updatedAt).toBe(updatedAt);
    // One call for the whole answer, each file once, for the longest lifetime.
    expect(storage.calls).toEqual([{ fileIds: [A, B], maxAgeSec: COVER_URL_LIFETIME_SEC }]);
    // The input is not changed: an answer cached by a function keeps its fileIDs.
    expect(data.items[0]?.course.cover).toBe(A);
  });

  it('answers without a call when nothing is a cover fileID', async () => {
    const storage = fakeStorage([]);
    const covers = new CoverUrls(storage.tempUrls);
    const data = { items: [], total: 0 };
    expect(await covers.resolve(data)).toBe(data);
    expect(storage.calls).toHaveLength(0);
  });

  it('hands out the same URL to everyone while at least half its life is left, then a new one', async () => {
    const storage = fakeStorage([A]);
    let now = 1_000_000;
    const covers = new CoverUrls(storage.tempUrls, { now: () => now });
    const first = await covers.resolve({ cover: A });
    now += (COVER_URL_LIFETIME_SEC - COVER_URL_MIN_LEFT_SEC) * 1000;
    expect(await covers.resolve({ cover: A })).toEqual(first);
    expect(storage.calls).toHaveLength(1);
    now += 1;
    const renewed = await covers.resolve({ cover: A });
    expect(renewed.cover).not.toBe(first.cover);
    expect(storage.calls).toHaveLength(2);
  });

  it('asks only for the covers it does not hold', async () => {
    const storage = fakeStorage([A, B]);
    const covers = new CoverUrls(storage.tempUrls, { now: () => 0 });
    await covers.resolve({ cover: A });
    await covers.resolve([{ cover: A }, { cover: B }]);
    expect(storage.calls.map((c) => c.fileIds)).toEqual([[A], [B]]);
  });

  it('gives a missing file an empty cover, and asks again next time', async () => {
    const storage = fakeStorage([A]);
    const covers = new CoverUrls(storage.tempUrls, { now: () => 0 });
    expect(await covers.resolve([{ cover: A }, { cover: B }])).toEqual([
      { cover: 'https://tcb/env.b/covers/a/1-a.png?t=1' },
      { cover: '' },
    ]);
    await covers.resolve({ cover: B });
    expect(storage.calls.map((c) => c.fileIds)).toEqual([[A, B], [B]]);
  });

  it('sends the answer with empty covers when the platform fails, and logs it', async () => {
    const log = jest.fn();
    const failing: TempUrls = async () => {
      throw new Error('storage down');
    };
    const covers = new CoverUrls(failing, { log });
    expect(await covers.resolve({ course: { cover: A, title: 't' } })).toEqual({ course: { cover: '', title: 't' } });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('getTempFileURL failed'), expect.any(Error));
  });

  it('keeps a key named __proto__ a key of the copy', async () => {
    const storage = fakeStorage([A]);
    const covers = new CoverUrls(storage.tempUrls);
    const data = JSON.parse(`{"__proto__": {"cover": "${A}"}, "cover": "${A}"}`) as Record<string, unknown>;
    const out = (await covers.resolve(data)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'cover']);
  });
});

describe('sdkTempUrls', () => {
  it(`asks for at most ${MAX_FILES_PER_CALL} files a call, each once, and keeps only the files that exist`, async () => {
    const calls: number[] = [];
    const sdk = {
      getTempFileURL: async ({ fileList }: { fileList: { fileID: string; maxAge: number }[] }) => {
        calls.push(fileList.length);
        return {
          fileList: fileList.map(({ fileID }) =>
            fileID.endsWith('-gone')
              ? { fileID, status: -503003, errMsg: 'file not exist', tempFileURL: '' }
              : { fileID, status: 0, tempFileURL: `https://t/${fileID}` },
          ),
        };
      },
    } as unknown as Parameters<typeof sdkTempUrls>[0];
    const ids = Array.from({ length: 120 }, (_, i) => `cloud://e.b/covers/${i}${i === 7 ? '-gone' : ''}`);
    const urls = await sdkTempUrls(sdk)([...ids, ids[0]!], 60);
    expect(calls).toEqual([50, 50, 20]);
    expect(urls.size).toBe(119);
    expect(urls.has(ids[7]!)).toBe(false);
    expect(urls.get(ids[0]!)).toBe(`https://t/${ids[0]}`);
  });
});
