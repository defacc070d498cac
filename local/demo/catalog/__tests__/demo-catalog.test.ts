import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { validate } from '../../../../shared/contract';
import { lessonContentProblem, readCourse, CategoryDoc, CreatorDoc, LessonDoc } from '../../../../shared/catalog';
import { buildDemoCatalog } from '..';
import { drawText, OUTLINE, TEXT } from '../font';
import { crc32, encodePng, PNG_SIGNATURE } from '../png';
import { beepsWav } from '../wav';

const catalog = buildDemoCatalog();

/** Splits a PNG into chunks, checking each CRC. */
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(typeAndData));
    chunks.push({ type: typeAndData.subarray(0, 4).toString('ascii'), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

/** The beeps of a PCM WAV: runs of sound at least 10 ms apart. */
function countBeeps(wav: Buffer): number {
  const sampleRate = wav.readUInt32LE(24);
  let beeps = 0;
  let quiet = Infinity;
  for (let at = 44; at < wav.length; at += 2) {
    if (wav.readInt16LE(at) === 0) {
      quiet += 1;
      continue;
    }
    if (quiet > sampleRate / 100) beeps += 1;
    quiet = 0;
  }
  return beeps;
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Top-level MP4 boxes as [type, size]. */
function mp4Boxes(mp4: Buffer): [string, number][] {
  const boxes: [string, number][] = [];
  for (let at = 0; at < mp4.length;) {
    const size = mp4.readUInt32BE(at);
    boxes.push([mp4.subarray(at + 4, at + 8).toString('ascii'), size]);
    at += size;
  }
  return boxes;
}

describe('the demo catalog', () => {
  it('has at least 40 published courses in at least 6 categories, each a valid course document', () => {
    expect(catalog.courses.length).toBeGreaterThanOrEqual(40);
    const used = new Set(catalog.courses.map((c) => c.category));
    expect(used.size).toBeGreaterThanOrEqual(6);
    expect(new Set(catalog.categories.map((c) => c._id))).toEqual(used);
    for (const course of catalog.courses) {
      expect(readCourse(course)).toEqual({ ok: true, course });
      expect(course.status).toBe('published');
    }
    expect(new Set(catalog.courses.map((c) => c._id)).size).toBe(catalog.courses.length);
  });

  it('has valid categories, creators and lessons, with the content each lesson kind needs', () => {
    for (const category of catalog.categories) expect(validate(CategoryDoc, category).ok).toBe(true);
    for (const creator of catalog.creators) expect(validate(CreatorDoc, creator).ok).toBe(true);
    for (const lesson of catalog.lessons) {
      expect(validate(LessonDoc, lesson).ok).toBe(true);
      expect(lessonContentProblem(lesson)).toBeNull();
    }
    const creatorIds = new Set(catalog.creators.map((c) => c._id));
    expect(catalog.courses.every((c) => creatorIds.has(c.creator.id))).toBe(true);
  });

  it('gives every course at least 5 lessons and a mix of video, audio and article', () => {
    for (const course of catalog.courses) {
      const lessons = catalog.lessons.filter((l) => l.courseId === course._id);
      expect(lessons.length).toBeGreaterThanOrEqual(5);
      expect(lessons.length).toBe(course.lessonCount);
      expect(lessons.map((l) => l.order)).toEqual(lessons.map((_, i) => i + 1));
    }
    const kinds = new Set(catalog.lessons.map((l) => l.kind));
    expect(kinds).toEqual(new Set(['video', 'audio', 'article']));
  });

  it('offers a free trial lesson on every paid course, some free courses, prices from ¥0 to ¥399', () => {
    const prices = catalog.courses.map((c) => c.priceFen);
    expect(Math.min(...prices)).toBe(0);
    expect(Math.max(...prices)).toBe(39900);
    expect(prices.filter((p) => p === 0).length).toBeGreaterThanOrEqual(3);
    for (const course of catalog.courses.filter((c) => c.priceFen > 0)) {
      expect(catalog.lessons.some((l) => l.courseId === course._id && l.free)).toBe(true);
      expect(catalog.lessons.some((l) => l.courseId === course._id && !l.free)).toBe(true);
    }
  });

  it('has Chinese titles, subtitles and descriptions', () => {
    const han = /\p{Script=Han}/u;
    for (const course of catalog.courses) {
      expect([course.title, course.subtitle, course.description].every((t) => han.test(t))).toBe(true);
    }
  });

  it('has ratings whose average matches the histogram', () => {
    for (const { rating } of catalog.courses) {
      const count = rating.histogram.reduce((a, b) => a + b, 0);
      const sum = rating.histogram.reduce((a, n, i) => a + n * (i + 1), 0);
      expect(rating.count).toBe(count);
      expect(rating.avg).toBeCloseTo(count ? sum / count : 0, 2);
    }
  });

  it('ships exactly the files the documents refer to', () => {
    const referenced = new Set([
      ...catalog.courses.map((c) => c.cover),
      ...catalog.lessons.flatMap((l) => (l.media ? [l.media] : [])),
    ]);
    expect(new Set(catalog.files.map((f) => f.fileID))).toEqual(referenced);
    expect(catalog.files[0]?.fileID).toBe(`cloud://local-env.local-bucket/${catalog.files[0]?.path}`);
    const custom = buildDemoCatalog({ fileIdFor: (path) => `cloud://x.y/${path}` });
    expect(custom.courses[0]?.cover).toBe(`cloud://x.y/demo/covers/${custom.courses[0]?._id}.png`);
  });

  it('gives each audio lesson as many beeps as its number, so a listener hears which lesson plays', () => {
    const audio = catalog.lessons.filter((l) => l.kind === 'audio');
    expect(audio.length).toBeGreaterThan(0);
    for (const lesson of audio) {
      const file = catalog.files.find((f) => f.fileID === lesson.media) as { bytes: Buffer };
      expect(countBeeps(file.bytes)).toBe(lesson.order);
    }
  });

  it('is the same on every build', () => {
    const again = buildDemoCatalog();
    expect(again.courses).toEqual(catalog.courses);
    expect(
      again.files.map((f) => f.bytes.equals(catalog.files.find((g) => g.path === f.path)?.bytes ?? Buffer.alloc(0))),
    ).not.toContain(false);
  });

  it('has 750×420 PNG covers with valid chunks and CRCs', () => {
    for (const file of catalog.files.filter((f) => f.contentType === 'image/png')) {
      const chunks = pngChunks(file.bytes);
      expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const ihdr = chunks[0]?.data as Buffer;
      expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([750, 420, 8, 2]);
      expect(inflateSync(chunks[1]?.data as Buffer).length).toBe((750 * 3 + 1) * 420);
    }
  });

  it('has WAV audio and MP4 video with the expected structure', () => {
    const wav = catalog.files.find((f) => f.contentType === 'audio/wav')?.bytes as Buffer;
    expect([wav.toString('ascii', 0, 4), wav.toString('ascii', 8, 12), wav.readUInt32LE(4) + 8]).toEqual([
      'RIFF',
      'WAVE',
      wav.length,
    ]);
    const mp4 = catalog.files.find((f) => f.contentType === 'video/mp4')?.bytes as Buffer;
    const boxes = mp4Boxes(mp4);
    expect(boxes.map(([type]) => type)).toEqual(['ftyp', 'moov', 'mdat']);
    expect(boxes.reduce((total, [, size]) => total + size, 0)).toBe(mp4.length);
    expect(mp4.includes(Buffer.from('avcC'))).toBe(true);
  });
});

describe('encoders', () => {
  it('computes the CRC-32 check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });

  it('encodes a 2×1 PNG whose pixels inflate back', () => {
    const png = encodePng(2, 1, Uint8Array.from([255, 0, 0, 0, 0, 255]));
    const idat = pngChunks(png).find((c) => c.type === 'IDAT')?.data as Buffer;
    expect([...inflateSync(idat)]).toEqual([0, 255, 0, 0, 0, 0, 255]);
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(RangeError);
  });

  it('writes the requested number of beeps, at least 2 s long, starting and ending silent', () => {
    for (const beeps of [1, 3, 12]) {
      const wav = beepsWav(440, beeps, 8000);
      const samples = (wav.length - 44) / 2;
      expect(wav.readUInt32LE(24)).toBe(8000);
      expect(wav.readUInt32LE(40)).toBe(samples * 2);
      expect(samples).toBe(Math.round(Math.max(2, 0.4 + beeps * 0.25) * 8000));
      expect([wav.readInt16LE(44), wav.readInt16LE(wav.length - 2)]).toEqual([0, 0]);
      expect(countBeeps(wav)).toBe(beeps);
      const peak = Math.max(...Array.from({ length: samples }, (_, i) => Math.abs(wav.readInt16LE(44 + i * 2))));
      expect(peak).toBeGreaterThan(9000);
      expect(peak).toBeLessThanOrEqual(Math.round(0.3 * 32767));
    }
    expect(() => beepsWav(440, 0)).toThrow(RangeError);
  });

  it('draws digits of the 3×5 font scaled, with a one-pixel outline, clipped to the mask', () => {
    const mask = new Uint8Array(6 * 8);
    drawText(mask, 6, '7', 1, 1, 1);
    const rows = Array.from({ length: 8 }, (_, y) =>
      Array.from(mask.subarray(y * 6, y * 6 + 6), (v) => (v === TEXT ? '#' : v === OUTLINE ? 'o' : '.')).join(''),
    );
    expect(rows).toEqual(['ooooo.', 'o###o.', 'ooo#o.', '.o#oo.', '.o#o..', '.o#o..', '.ooo..', '......']);
    const big = new Uint8Array(4 * 4);
    drawText(big, 4, '1', 0, 0, 2);
    expect(Array.from(big, (v) => (v === TEXT ? '#' : v === OUTLINE ? 'o' : '.')).join('')).toBe('.o##oo##########');
    expect(() => drawText(mask, 6, 'x', 0, 0, 1)).toThrow(RangeError);
  });
});

describe('demo protected media: the free trial lesson served what paid lessons play', () => {
  const media = catalog.lessons.filter((l) => l.media);
  const bytesOf = new Map(catalog.files.map((f) => [f.fileID, f.bytes]));

  it('gives every media lesson its own file: no two lessons share a media fileID', () => {
    expect(media.length).toBeGreaterThan(150);
    expect(new Set(media.map((l) => l.media)).size).toBe(media.length);
  });

  it("serves bytes for the free lesson that differ from every paid lesson's, in its course and in any other", () => {
    const paid = new Set(media.filter((l) => !l.free).map((l) => sha256(bytesOf.get(l.media as string) as Buffer)));
    const free = media.filter((l) => l.free);
    expect(paid.size).toBe(media.length - free.length);
    for (const lesson of free) expect(paid.has(sha256(bytesOf.get(lesson.media as string) as Buffer))).toBe(false);
  });
});
