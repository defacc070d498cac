/**
 * Tiny generated video for the demo's video lessons, with no encoder and no download: an H.264 (Constrained
 * Baseline) stream whose macroblocks are all I_PCM — raw samples, which the standard allows in any intra slice —
 * in an MP4 container. 64×48 pixels, 2 fps, 2 seconds: a gradient in the course's colours with a bar sweeping
 * across, and the lesson's number printed large in the middle (the course's number small in a corner), so every
 * lesson plays its own picture. Every frame is an IDR picture.
 */
import { drawText, GLYPH_HEIGHT, OUTLINE, TEXT, textWidth } from './font';
import type { Rgb } from './png';

// Math's functions as module locals: in jest's sandbox (a vm context) every lookup of a global name is slow,
// and the pixel and sample loops below make millions of them.
const { abs, ceil, floor, log2, max, min, round } = Math;

const WIDTH = 64;
const HEIGHT = 48;
const FPS = 2;
const FRAMES = 4;
const TIMESCALE = 1000;

/** Writes bit fields and Exp-Golomb codes, most significant bit first, and byte-aligned raw runs. */
class BitWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;
  private current = 0;
  private used = 0;

  bits(value: number, count: number): this {
    for (let i = count - 1; i >= 0; i -= 1) {
      this.current = (this.current << 1) | ((value >>> i) & 1);
      this.used += 1;
      if (this.used === 8) {
        this.reserve(1);
        this.bytes[this.length++] = this.current;
        this.current = 0;
        this.used = 0;
      }
    }
    return this;
  }

  /** ue(v) */
  ue(value: number): this {
    const length = floor(log2(value + 1));
    return this.bits(0, length).bits(value + 1, length + 1);
  }

  /** se(v) */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  alignZero(): this {
    while (this.used !== 0) this.bits(0, 1);
    return this;
  }

  /** rbsp_trailing_bits */
  trailing(): this {
    return this.bits(1, 1).alignZero();
  }

  /** Appends `bytes` as they are; the writer must be byte-aligned. */
  raw(bytes: Uint8Array): this {
    if (this.used !== 0) throw new Error('raw bytes need byte alignment');
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }

  /** Room for `count` more bytes. */
  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(max(2 * this.bytes.length, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** NAL unit from header byte and RBSP, with emulation prevention (no 00 00 0x in the payload). */
function nal(header: number, rbsp: Buffer): Buffer {
  const out = Buffer.alloc(1 + rbsp.length + ceil(rbsp.length / 2));
  out[0] = header;
  let length = 1;
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out[length++] = 3;
      zeros = 0;
    }
    out[length++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, length);
}

const PROFILE_BASELINE = 66;
const CONSTRAINED = 0xc0; // constraint_set0 and constraint_set1: Constrained Baseline
const LEVEL_1 = 10;

function sps(): Buffer {
  const w = new BitWriter().bits(PROFILE_BASELINE, 8).bits(CONSTRAINED, 8).bits(LEVEL_1, 8);
  w.ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type: output order = decoding order
    .ue(0) // max_num_ref_frames
    .bits(0, 1) // gaps_in_frame_num_value_allowed_flag
    .ue(WIDTH / 16 - 1)
    .ue(HEIGHT / 16 - 1)
    .bits(1, 1) // frame_mbs_only_flag
    .bits(1, 1) // direct_8x8_inference_flag
    .bits(0, 1) // frame_cropping_flag
    .bits(0, 1) // vui_parameters_present_flag
    .trailing();
  return nal(0x67, w.toBuffer());
}

function pps(): Buffer {
  const w = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .bits(0, 1) // entropy_coding_mode_flag: CAVLC
    .bits(0, 1) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0) // num_ref_idx_l0_default_active_minus1
    .ue(0) // num_ref_idx_l1_default_active_minus1
    .bits(0, 1) // weighted_pred_flag
    .bits(0, 2) // weighted_bipred_idc
    .se(0) // pic_init_qp_minus26
    .se(0) // pic_init_qs_minus26
    .se(0) // chroma_qp_index_offset
    .bits(1, 1) // deblocking_filter_control_present_flag
    .bits(0, 1) // constrained_intra_pred_flag
    .bits(0, 1) // redundant_pic_cnt_present_flag
    .trailing();
  return nal(0x68, w.toBuffer());
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [24, 24, 32];
const LESSON_SCALE = 6;
const MARGIN = 2;

/** What a video shows besides its colours: the lesson's number, and the course's to tell courses apart. */
export interface VideoCaption {
  lesson: number;
  course: number;
}

/** The caption's colour at every pixel of the frame (white on a dark outline), undefined where it shows none. */
function captionOverlay({ lesson, course }: VideoCaption): (Rgb | undefined)[] {
  const mask = new Uint8Array(WIDTH * HEIGHT);
  const big = String(lesson);
  const bigWidth = textWidth(big, LESSON_SCALE);
  const bigHeight = GLYPH_HEIGHT * LESSON_SCALE;
  drawText(mask, WIDTH, big, round((WIDTH - bigWidth) / 2), round((HEIGHT - bigHeight) / 2), LESSON_SCALE);
  const small = String(course);
  drawText(mask, WIDTH, small, WIDTH - MARGIN - textWidth(small, 1), HEIGHT - MARGIN - GLYPH_HEIGHT, 1);
  return Array.from(mask, (ink) => (ink === TEXT ? WHITE : ink === OUTLINE ? INK : undefined));
}

/** A sample value of the studio range, kept ≥ 1 so that PCM samples never look like a start code. */
function sample(value: number): number {
  return max(1, min(254, round(value)));
}

interface Planes {
  luma: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

/**
 * One frame as BT.601 studio-range YCbCr 4:2:0 planes (chroma taken from the top-left pixel of each 2×2): the
 * gradient, the bar at its place for `frame`, and the caption over both.
 */
function framePlanes(from: Rgb, to: Rgb, overlay: (Rgb | undefined)[], frame: number): Planes {
  const luma = new Uint8Array(WIDTH * HEIGHT);
  const cb = new Uint8Array((WIDTH / 2) * (HEIGHT / 2));
  const cr = new Uint8Array((WIDTH / 2) * (HEIGHT / 2));
  const barX = ((frame + 0.5) * WIDTH) / FRAMES;
  for (let y = 0; y < HEIGHT; y += 1) {
    for (let x = 0; x < WIDTH; x += 1) {
      let [r, g, b] = overlay[y * WIDTH + x] ?? WHITE;
      if (!overlay[y * WIDTH + x] && abs(x - barX) >= 4) {
        const t = (x / WIDTH + y / HEIGHT) / 2;
        r = from[0] * (1 - t) + to[0] * t;
        g = from[1] * (1 - t) + to[1] * t;
        b = from[2] * (1 - t) + to[2] * t;
      }
      luma[y * WIDTH + x] = sample(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
      if (x % 2 === 0 && y % 2 === 0) {
        const c = (y / 2) * (WIDTH / 2) + x / 2;
        cb[c] = sample(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
        cr[c] = sample(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
      }
    }
  }
  return { luma, cb, cr };
}

/** One IDR picture, one slice, every macroblock I_PCM. */
function idrSlice({ luma, cb, cr }: Planes, frame: number): Buffer {
  const w = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(7) // slice_type: I, all slices of the picture
    .ue(0) // pic_parameter_set_id
    .bits(0, 4) // frame_num
    .ue(frame) // idr_pic_id: consecutive IDR pictures must differ
    .bits(0, 1) // no_output_of_prior_pics_flag
    .bits(0, 1) // long_term_reference_flag
    .se(0) // slice_qp_delta
    .ue(1); // disable_deblocking_filter_idc: off
  for (let mby = 0; mby < HEIGHT / 16; mby += 1) {
    for (let mbx = 0; mbx < WIDTH / 16; mbx += 1) {
      w.ue(25).alignZero(); // mb_type I_PCM, pcm_alignment_zero_bit
      for (let y = mby * 16; y < mby * 16 + 16; y += 1)
        w.raw(luma.subarray(y * WIDTH + mbx * 16, y * WIDTH + mbx * 16 + 16));
      for (const plane of [cb, cr])
        for (let y = mby * 8; y < mby * 8 + 8; y += 1)
          w.raw(plane.subarray(y * (WIDTH / 2) + mbx * 8, y * (WIDTH / 2) + mbx * 8 + 8));
    }
  }
  return nal(0x65, w.trailing().toBuffer());
}

// ---- MP4 ----

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'ascii');
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version << 24) | flags) >>> 0, 0);
  return box(type, vf, ...parts);
}

function u32(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

function u16(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
}

const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

function moov(spsNal: Buffer, ppsNal: Buffer, sampleSizes: number[], mdatDataOffset: number): Buffer {
  const duration = (sampleSizes.length * TIMESCALE) / FPS;
  const avcC = box(
    'avcC',
    Buffer.from([1, PROFILE_BASELINE, CONSTRAINED, LEVEL_1, 0xff, 0xe1]), // 4-byte NAL lengths, one SPS
    u16(spsNal.length),
    spsNal,
    Buffer.from([1]),
    u16(ppsNal.length),
    ppsNal,
  );
  const compressorName = Buffer.alloc(32);
  const avc1 = box(
    'avc1',
    Buffer.alloc(6),
    u16(1), // data_reference_index
    Buffer.alloc(16),
    u16(WIDTH, HEIGHT),
    u32(0x480000, 0x480000, 0), // 72 dpi, reserved
    u16(1), // frame_count
    compressorName,
    u16(0x18, 0xffff), // depth, pre_defined -1
    avcC,
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), avc1),
    fullBox('stts', 0, 0, u32(1, sampleSizes.length, TIMESCALE / FPS)),
    fullBox('stsc', 0, 0, u32(1, 1, sampleSizes.length, 1)),
    fullBox('stsz', 0, 0, u32(0, sampleSizes.length, ...sampleSizes)),
    fullBox('stco', 0, 0, u32(1, mdatDataOffset)),
  );
  const minf = box(
    'minf',
    fullBox('vmhd', 0, 1, u16(0, 0, 0, 0)),
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
    stbl,
  );
  const mdia = box(
    'mdia',
    fullBox('mdhd', 0, 0, u32(0, 0, TIMESCALE, duration), u16(0x55c4, 0)), // language "und"
    fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'ascii'), u32(0, 0, 0), Buffer.from('VideoHandler\0', 'ascii')),
    minf,
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    u32(0, 0, 1, 0, duration, 0, 0),
    u16(0, 0, 0, 0), // layer, alternate group, volume, reserved
    MATRIX,
    u32(WIDTH << 16, HEIGHT << 16),
  );
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, TIMESCALE, duration, 0x10000),
    u16(0x100, 0),
    u32(0, 0),
    MATRIX,
    u32(0, 0, 0, 0, 0, 0, 2), // pre_defined, next_track_ID
  );
  return box('moov', mvhd, box('trak', tkhd, mdia));
}

/** A playable MP4 (H.264 Constrained Baseline, 64×48, 2 s) in the colours `from` → `to`, showing `caption`. */
export function demoVideo(from: Rgb, to: Rgb, caption: VideoCaption): Buffer {
  const spsNal = sps();
  const ppsNal = pps();
  const overlay = captionOverlay(caption);
  const samples = Array.from({ length: FRAMES }, (_, frame) => {
    const slice = idrSlice(framePlanes(from, to, overlay, frame), frame);
    return Buffer.concat([u32(slice.length), slice]);
  });
  const sizes = samples.map((s) => s.length);
  const ftyp = box('ftyp', Buffer.from('isom', 'ascii'), u32(0x200), Buffer.from('isomiso2avc1mp41', 'ascii'));
  // moov's size does not depend on the offset value, so measure it once and place mdat right after.
  const moovSize = moov(spsNal, ppsNal, sizes, 0).length;
  const offset = ftyp.length + moovSize + 8;
  return Buffer.concat([ftyp, moov(spsNal, ppsNal, sizes, offset), box('mdat', ...samples)]);
}
