/**
 * A small binary container for factors and checkpoints in cloud storage: a JSON header (ids, settings) followed by
 * typed arrays, each 8-byte aligned. Layout: "CCBIN1\0\0", uint32 header length, header JSON, padding, arrays.
 */

const MAGIC = 'CCBIN1\0\0';

export type TypedArrayKind = 'f32' | 'f64' | 'i32';
export type StoredArray = Float32Array | Float64Array | Int32Array;

interface ArrayEntry {
  name: string;
  kind: TypedArrayKind;
  length: number;
}

function kindOf(array: StoredArray): TypedArrayKind {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  return 'i32';
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Packs `header` (JSON-serializable) and the named arrays into one buffer. */
export function encodeBinary(header: object, arrays: Record<string, StoredArray>): Buffer {
  const entries: ArrayEntry[] = Object.entries(arrays).map(([name, array]) => ({
    name,
    kind: kindOf(array),
    length: array.length,
  }));
  const headerBytes = Buffer.from(JSON.stringify({ header, arrays: entries }), 'utf8');
  let size = pad8(MAGIC.length + 4 + headerBytes.length);
  const offsets = Object.values(arrays).map((array) => {
    const offset = size;
    size += pad8(array.byteLength);
    return offset;
  });
  const out = Buffer.alloc(size);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(out, MAGIC.length + 4);
  Object.values(arrays).forEach((array, index) => {
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, offsets[index] as number);
  });
  return out;
}

/** Unpacks what `encodeBinary` wrote; the arrays are copies (aligned, independent of `bytes`). */
export function decodeBinary<H>(bytes: Buffer): { header: H; arrays: Record<string, StoredArray> } {
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error('Not a cloudcourse binary file');
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const { header, arrays } = JSON.parse(bytes.toString('utf8', start, start + headerLength)) as {
    header: H;
    arrays: ArrayEntry[];
  };
  let offset = pad8(start + headerLength);
  const out: Record<string, StoredArray> = {};
  for (const entry of arrays) {
    const width = entry.kind === 'f64' ? 8 : 4;
    const byteLength = entry.length * width;
    if (offset + byteLength > bytes.length) throw new Error(`Truncated binary file (array ${entry.name})`);
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(offset, offset + byteLength));
    out[entry.name] =
      entry.kind === 'f32'
        ? new Float32Array(copy.buffer)
        : entry.kind === 'f64'
          ? new Float64Array(copy.buffer)
          : new Int32Array(copy.buffer);
    offset += pad8(byteLength);
  }
  return { header, arrays: out };
}

/** The array `name` of a decoded file, checked to be of the expected kind. */
export function arrayOf<K extends TypedArrayKind>(
  arrays: Record<string, StoredArray>,
  name: string,
  kind: K,
): K extends 'f32' ? Float32Array : K extends 'f64' ? Float64Array : Int32Array {
  const array = arrays[name];
  if (array === undefined || kindOf(array) !== kind) throw new Error(`Binary file has no ${kind} array ${name}`);
  return array as K extends 'f32' ? Float32Array : K extends 'f64' ? Float64Array : Int32Array;
}
