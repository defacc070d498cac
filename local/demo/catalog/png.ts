/**
 * A minimal PNG encoder (8-bit RGB, no interlace) on node's zlib, and the demo covers drawn with it: a diagonal
 * gradient in the category's colours with a geometric motif, different for every course. No image dependency.
 */
import { deflateSync } from 'node:zlib';

// Math's functions as module locals: in jest's sandbox (a vm context) every lookup of a global name is slow,
// and the pixel and sample loops below make millions of them.
const { abs, floor, sqrt } = Math;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG chunks use it (ISO 3309). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Encodes `rgb` (width × height × 3 bytes, row by row) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} bytes of RGB`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export type Rgb = readonly [number, number, number];

export const COVER_WIDTH = 750;
export const COVER_HEIGHT = 420;

/**
 * A 750×420 cover: a gradient from `from` to `to`, and `motif` (0–3: rings, stripes, dots, triangles) placed by
 * `seed`, so covers of one category look related and no two courses look the same.
 */
export function drawCover(from: Rgb, to: Rgb, motif: number, seed: number): Buffer {
  const w = COVER_WIDTH;
  const h = COVER_HEIGHT;
  const rgb = new Uint8Array(w * h * 3);
  const cx = 430 + ((seed * 97) % 260);
  const cy = 90 + ((seed * 53) % 240);
  const period = 28 + ((seed * 7) % 30);
  const ringLimit = 260 * 260;
  for (let y = 0; y < h; y += 1) {
    const dy = y - cy;
    for (let x = 0; x < w; x += 1) {
      const dx = x - cx;
      let light = 0;
      if (motif === 0) {
        const r2 = dx * dx + dy * dy;
        light = r2 < ringLimit && floor(sqrt(r2) / period) % 2 === 0 ? 0.18 : 0;
      } else if (motif === 1) {
        light = floor((x + y + seed * 13) / period) % 3 === 0 ? 0.14 : 0;
      } else if (motif === 2) {
        const px = (((dx % period) + period) % period) - period / 2;
        const py = (((dy % period) + period) % period) - period / 2;
        light = px * px + py * py < (period * period) / 16 ? 0.22 : 0;
      } else {
        light = abs(dx) < (dy + 150) * 0.7 && dy > -150 && dy < 150 ? 0.16 : 0;
      }
      const t = (x / w + y / h) / 2;
      const i = (y * w + x) * 3;
      for (let c = 0; c < 3; c += 1) {
        const base = (from[c] as number) * (1 - t) + (to[c] as number) * t;
        rgb[i + c] = base + (255 - base) * light + 0.5;
      }
    }
  }
  return encodePng(w, h, rgb);
}
