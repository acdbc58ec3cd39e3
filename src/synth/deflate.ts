/**
 * A small DEFLATE (RFC 1951) writer whose output is a pure function of its input, for PNG.
 *
 * zlib's output depends on its build (version, SIMD hashing), so a PNG written through Node's zlib
 * is not byte-identical across machines. This writer is plain JavaScript with integer arithmetic
 * only. It works in two steps so that repeated content costs once: `tokenize` turns bytes into
 * LZ77 tokens (cacheable: they reference nothing outside their input), and `deflateParts` writes a
 * sequence of token lists and zero runs as one dynamic-Huffman block. A run of identical rows of
 * zeros has the same bit pattern per row, so after sixteen rows the output repeats every eight
 * and is copied as bytes instead of coded symbol by symbol.
 *
 * @see https://www.rfc-editor.org/rfc/rfc1951 DEFLATE
 * @see https://www.rfc-editor.org/rfc/rfc1950 zlib (Adler-32)
 */

const MAX_MATCH = 258;
const MIN_MATCH = 4;
const HASH_BITS = 15;
/** Hash chains are not kept: one candidate per hash, as zlib's fastest levels do. */
const head = new Int32Array(1 << HASH_BITS);
/** Positions in `head` are stored offset by `generation`, so a new segment need not clear it. */
let generation = 1;

// Length codes 257..285: base lengths and extra bits; distance codes 0..29 likewise.
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/** Order in which code-length code lengths are sent. */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Length code index (0..28) of each match length 3..258. */
const LENGTH_CODE = new Uint8Array(MAX_MATCH + 1);
for (let code = 0; code < 29; code++) {
  const base = LENGTH_BASE[code] as number;
  const end = code === 28 ? 259 : (LENGTH_BASE[code + 1] as number);
  for (let length = base; length < end && length <= MAX_MATCH; length++) LENGTH_CODE[length] = code;
}
LENGTH_CODE[MAX_MATCH] = 28;

/** Distance code of distances 1..256 at `d - 1`, of larger ones at `256 + ((d - 1) >> 7)` (zlib's table). */
const DIST_CODE = new Uint8Array(512);
for (let code = 0; code < 30; code++) {
  const base = DIST_BASE[code] as number;
  const end = base + (1 << (DIST_EXTRA[code] as number));
  for (let d = base; d < end; d++) {
    if (d <= 256) DIST_CODE[d - 1] = code;
    else DIST_CODE[256 + ((d - 1) >> 7)] = code;
  }
}

function distanceCode(distance: number): number {
  return distance <= 256
    ? (DIST_CODE[distance - 1] as number)
    : (DIST_CODE[256 + ((distance - 1) >> 7)] as number);
}

/** Little-endian bit writer into a growing buffer. */
class BitWriter {
  bytes: Uint8Array;
  at = 0;
  private bits = 0;
  private count = 0;

  /** Writes into `reuse` when given and large enough (it grows into a new buffer if not). */
  constructor(capacity: number, reuse?: Uint8Array) {
    const size = Math.max(64, capacity);
    this.bytes = reuse && reuse.length >= size ? reuse : new Uint8Array(size);
  }

  private reserve(extra: number): void {
    if (this.at + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + extra));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  /** Writes the low `count` (0–16) bits of `value`. */
  write(value: number, count: number): void {
    this.bits |= value << this.count;
    this.count += count;
    if (this.count >= 8) {
      this.reserve(3);
      while (this.count >= 8) {
        this.bytes[this.at++] = this.bits & 0xff;
        this.bits >>>= 8;
        this.count -= 8;
      }
    }
  }

  /** Bits written so far, pending ones included. */
  get position(): number {
    return this.at * 8 + this.count;
  }

  /**
   * Appends `times` copies of `bytes[from, from + length)`, which must be a whole period of the
   * bit stream just written (the pending bits stay pending: they are the same in every period).
   */
  repeat(from: number, length: number, times: number): void {
    this.reserve(length * times + 3);
    for (let i = 0; i < times; i++) this.bytes.copyWithin(this.at + i * length, from, from + length);
    this.at += length * times;
  }

  /** Pads the last byte with zero bits and returns the bytes written. */
  finish(): Uint8Array {
    if (this.count > 0) this.write(0, 8 - this.count);
    return this.bytes.subarray(0, this.at);
  }
}

/**
 * Code lengths of a Huffman code for `frequencies`, none longer than `limit`; unused symbols get 0.
 * Deterministic: ties are broken by symbol order. Over-long codes are shortened the way JPEG's
 * Annex K.3 does, which keeps the code complete.
 */
export function huffmanLengths(frequencies: ArrayLike<number>, limit: number): Uint8Array {
  const n = frequencies.length;
  const lengths = new Uint8Array(n);
  // Leaves sorted by (frequency, symbol): one numeric sort of frequency * 512 + symbol.
  let leaves = 0;
  for (let symbol = 0; symbol < n; symbol++) if ((frequencies[symbol] as number) > 0) leaves++;
  if (leaves === 0) return lengths;
  const keys = new Float64Array(leaves);
  for (let symbol = 0, i = 0; symbol < n; symbol++) {
    const frequency = frequencies[symbol] as number;
    if (frequency > 0) keys[i++] = frequency * 512 + symbol;
  }
  if (leaves === 1) {
    lengths[(keys[0] as number) % 512] = 1;
    return lengths;
  }
  keys.sort();
  // Two-queue Huffman construction: leaves in order, then internal nodes in creation order.
  const weight = new Float64Array(2 * leaves);
  const parent = new Int32Array(2 * leaves);
  for (let i = 0; i < leaves; i++) weight[i] = Math.floor((keys[i] as number) / 512);
  let leaf = 0;
  let node = leaves;
  for (let next = leaves; next < 2 * leaves - 1; next++) {
    let a: number;
    let b: number;
    if (leaf < leaves && (node >= next || (weight[leaf] as number) <= (weight[node] as number))) a = leaf++;
    else a = node++;
    if (leaf < leaves && (node >= next || (weight[leaf] as number) <= (weight[node] as number))) b = leaf++;
    else b = node++;
    weight[next] = (weight[a] as number) + (weight[b] as number);
    parent[a] = next;
    parent[b] = next;
  }
  const depth = new Int32Array(2 * leaves - 1);
  let maxDepth = limit;
  for (let i = 2 * leaves - 3; i >= 0; i--) {
    const d = (depth[parent[i] as number] as number) + 1;
    depth[i] = d;
    if (d > maxDepth) maxDepth = d;
  }
  // Count codes per length, limit them (Annex K.3 adjust_BITS), hand lengths out in order.
  const counts = new Int32Array(maxDepth + 1);
  for (let i = 0; i < leaves; i++) counts[depth[i] as number] = (counts[depth[i] as number] as number) + 1;
  for (let length = maxDepth; length > limit; length--) {
    while ((counts[length] as number) > 0) {
      let j = length - 2;
      while ((counts[j] as number) === 0) j--;
      counts[length] = (counts[length] as number) - 2;
      counts[length - 1] = (counts[length - 1] as number) + 1;
      counts[j + 1] = (counts[j + 1] as number) + 2;
      counts[j] = (counts[j] as number) - 1;
    }
  }
  // The least frequent symbols (first in order) get the longest codes.
  let length = limit;
  let remaining = counts[length] as number;
  for (let i = 0; i < leaves; i++) {
    while (remaining === 0) remaining = counts[--length] as number;
    lengths[(keys[i] as number) % 512] = length;
    remaining--;
  }
  return lengths;
}

/** Canonical codes for `lengths`, bit-reversed: DEFLATE sends Huffman codes most significant bit first. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Uint16Array(16);
  for (const length of lengths) count[length] = (count[length] as number) + 1;
  count[0] = 0;
  const nextCode = new Uint16Array(16);
  for (let bits = 1, code = 0; bits < 16; bits++) {
    code = (code + (count[bits - 1] as number)) << 1;
    nextCode[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol] as number;
    if (length === 0) continue;
    const code = nextCode[length] as number;
    nextCode[length] = code + 1;
    let reversed = 0;
    for (let bit = 0; bit < length; bit++) reversed |= ((code >> bit) & 1) << (length - 1 - bit);
    codes[symbol] = reversed;
  }
  return codes;
}

/** A Huffman code ready to write: lengths and bit-reversed codes per symbol. */
interface Code {
  lengths: Uint8Array;
  codes: Uint16Array;
}

function makeCode(frequencies: ArrayLike<number>, limit: number): Code {
  const lengths = huffmanLengths(frequencies, limit);
  return { lengths, codes: canonicalCodes(lengths) };
}

/** Writes the header of a final dynamic block (BFINAL 1, BTYPE 10) describing the two codes. */
function writeDynamicHeader(out: BitWriter, literals: Code, distances: Code): void {
  let hlit = 286;
  while (hlit > 257 && literals.lengths[hlit - 1] === 0) hlit--;
  let hdist = 30;
  while (hdist > 1 && distances.lengths[hdist - 1] === 0) hdist--;
  const all = new Uint8Array(hlit + hdist);
  all.set(literals.lengths.subarray(0, hlit));
  all.set(distances.lengths.subarray(0, hdist), hlit);
  // Run-length encode the code lengths with symbols 16 (repeat previous), 17 and 18 (zeros).
  const symbols: number[] = [];
  const extras: number[] = [];
  for (let i = 0; i < all.length; ) {
    const value = all[i] as number;
    let run = 1;
    while (i + run < all.length && all[i + run] === value) run++;
    if (value === 0 && run >= 3) {
      const take = Math.min(run, 138);
      symbols.push(take >= 11 ? 18 : 17);
      extras.push(take >= 11 ? take - 11 : take - 3);
      i += take;
    } else if (value !== 0 && run >= 4) {
      symbols.push(value);
      extras.push(0);
      const take = Math.min(run - 1, 6);
      symbols.push(16);
      extras.push(take - 3);
      i += take + 1;
    } else {
      symbols.push(value);
      extras.push(0);
      i++;
    }
  }
  const frequencies = new Uint32Array(19);
  for (const symbol of symbols) frequencies[symbol] = (frequencies[symbol] as number) + 1;
  const lengthCode = makeCode(frequencies, 7);
  let hclen = 19;
  while (hclen > 4 && lengthCode.lengths[CODE_LENGTH_ORDER[hclen - 1] as number] === 0) hclen--;

  out.write(0b101, 3); // BFINAL 1, BTYPE 10 (dynamic), sent low bit first
  out.write(hlit - 257, 5);
  out.write(hdist - 1, 5);
  out.write(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) out.write(lengthCode.lengths[CODE_LENGTH_ORDER[i] as number] as number, 3);
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i] as number;
    out.write(lengthCode.codes[symbol] as number, lengthCode.lengths[symbol] as number);
    if (symbol === 16) out.write(extras[i] as number, 2);
    else if (symbol === 17) out.write(extras[i] as number, 3);
    else if (symbol === 18) out.write(extras[i] as number, 7);
  }
}

/** Token buffers reused between calls (grown to the longest input); results are copies. */
let scratchSymbols = new Uint16Array(0);
let scratchDistances = new Uint16Array(0);

/**
 * LZ77 tokens of some bytes: a part of a block, reusable. Two small arrays and nothing else (symbol
 * counts are summed when the block is built): a PNG keeps dozens of these alive while it is written.
 */
export interface Tokens {
  /** Literal byte (< 256) or match (256 + length, 4..258). */
  symbols: Uint16Array;
  /** Match distance (0 for literals). */
  distances: Uint16Array;
}

/** `count` copies of `[first, 0 x (length - 1)]`: a PNG scanline repeated under filter Up. */
export interface ZeroRun {
  first: number;
  length: number;
  count: number;
}

export type DeflatePart = Tokens | ZeroRun;

/**
 * Greedy LZ77 over `data` alone: runs of one byte (distance 1) and one hash candidate per
 * position, as zlib's fastest levels do; matches of 4 to 258 bytes.
 */
export function tokenize(data: Uint8Array): Tokens {
  const length = data.length;
  if (scratchSymbols.length < length) {
    scratchSymbols = new Uint16Array(length);
    scratchDistances = new Uint16Array(length);
  }
  const symbols = scratchSymbols;
  const distances = scratchDistances;
  let tokens = 0;
  if (generation > 0x3fff0000 - length) {
    head.fill(0);
    generation = 1;
  }
  const base = generation;
  generation += length + 1;
  const hashAt = (i: number) =>
    Math.imul(
      (data[i] as number) |
        ((data[i + 1] as number) << 8) |
        ((data[i + 2] as number) << 16) |
        ((data[i + 3] as number) << 24),
      0x9e3779b1,
    ) >>>
    (32 - HASH_BITS);

  let i = 0;
  while (i < length) {
    let bestLength = 0;
    let bestDistance = 0;
    if (i + MIN_MATCH <= length) {
      const limit = Math.min(MAX_MATCH, length - i);
      const value = data[i] as number;
      if (i > 0 && value === data[i - 1]) {
        let run = 1;
        while (run < limit && data[i + run] === value) run++;
        bestLength = run;
        bestDistance = 1;
      }
      if (bestLength < limit) {
        const hash = hashAt(i);
        const candidate = (head[hash] as number) - base;
        head[hash] = base + i;
        if (candidate >= 0 && i - candidate <= 32768) {
          let matched = 0;
          while (matched < limit && data[candidate + matched] === data[i + matched]) matched++;
          if (matched > bestLength) {
            bestLength = matched;
            bestDistance = i - candidate;
          }
        }
      }
    }
    if (bestLength >= MIN_MATCH) {
      symbols[tokens] = 256 + bestLength;
      distances[tokens++] = bestDistance;
      // Index the first positions inside the match, enough to find repeats of its start.
      const end = i + bestLength;
      for (let j = i + 1; j < i + 4 && j + MIN_MATCH <= length; j++) head[hashAt(j)] = base + j;
      i = end;
    } else {
      symbols[tokens] = data[i] as number;
      distances[tokens++] = 0;
      i++;
    }
  }
  return { symbols: symbols.slice(0, tokens), distances: distances.slice(0, tokens) };
}

/** The symbols of one copy of a zero run: the filter byte, one zero, runs of 258, a tail. */
function zeroRunShape(run: ZeroRun) {
  const zeros = run.length - 1;
  const full = zeros > 1 ? Math.floor((zeros - 1) / MAX_MATCH) : 0;
  const tail = zeros > 1 ? zeros - 1 - full * MAX_MATCH : 0;
  return {
    zeros,
    full,
    tail,
    tailAsLiterals: tail > 0 && tail < 3 ? tail : 0,
    tailMatch: tail >= 3 ? tail : 0,
  };
}

/** The buffer of `deflateParts(parts, { reuse: true })`, grown to the longest stream written. */
let sharedOutput: Uint8Array = new Uint8Array(0);

/**
 * A complete raw DEFLATE stream holding `parts` in order, as one final dynamic-Huffman block.
 * With `reuse`, the stream is a view of a buffer the next `reuse` call overwrites (for a caller
 * that copies it at once, as the PNG writer does).
 *
 * @example const stream = deflateParts([tokenize(firstLine), { first: 2, length: 3073, count: 9 }]);
 */
export function deflateParts(parts: readonly DeflatePart[], options: { reuse?: boolean } = {}): Uint8Array {
  const literalCounts = new Uint32Array(286);
  const distanceCounts = new Uint32Array(30);
  let tokenCount = 0;
  let copies = 0;
  for (const part of parts) {
    if ('symbols' in part) {
      const { symbols, distances } = part;
      for (let t = 0; t < symbols.length; t++) {
        const symbol = symbols[t] as number;
        if (symbol < 256) literalCounts[symbol] = (literalCounts[symbol] as number) + 1;
        else {
          const lengthSymbol = 257 + (LENGTH_CODE[symbol - 256] as number);
          literalCounts[lengthSymbol] = (literalCounts[lengthSymbol] as number) + 1;
          const distanceSymbol = distanceCode(distances[t] as number);
          distanceCounts[distanceSymbol] = (distanceCounts[distanceSymbol] as number) + 1;
        }
      }
      tokenCount += symbols.length;
      continue;
    }
    const { zeros, full, tailAsLiterals, tailMatch } = zeroRunShape(part);
    const n = part.count;
    literalCounts[part.first] = (literalCounts[part.first] as number) + n;
    if (zeros > 0) literalCounts[0] = (literalCounts[0] as number) + n * (1 + tailAsLiterals);
    literalCounts[285] = (literalCounts[285] as number) + n * full;
    if (tailMatch > 0) {
      const code = 257 + (LENGTH_CODE[tailMatch] as number);
      literalCounts[code] = (literalCounts[code] as number) + n;
    }
    distanceCounts[0] = (distanceCounts[0] as number) + n * (full + (tailMatch > 0 ? 1 : 0));
    copies += n * (2 + full);
  }
  literalCounts[256] = 1;
  const literals = makeCode(literalCounts, 15);
  const dist = makeCode(ensureDistance(distanceCounts), 15);
  const litCodes = literals.codes;
  const litLengths = literals.lengths;
  const distCodes = dist.codes;
  const distLengths = dist.lengths;

  const writeMatch = (out: BitWriter, length: number, distance: number) => {
    const lc = LENGTH_CODE[length] as number;
    out.write(litCodes[257 + lc] as number, litLengths[257 + lc] as number);
    const lengthExtra = LENGTH_EXTRA[lc] as number;
    if (lengthExtra > 0) out.write(length - (LENGTH_BASE[lc] as number), lengthExtra);
    const dc = distanceCode(distance);
    out.write(distCodes[dc] as number, distLengths[dc] as number);
    const distExtra = DIST_EXTRA[dc] as number;
    if (distExtra > 0) out.write(distance - (DIST_BASE[dc] as number), distExtra);
  };

  const out = new BitWriter(128 + tokenCount + (copies >> 2), options.reuse ? sharedOutput : undefined);
  writeDynamicHeader(out, literals, dist);
  for (const part of parts) {
    if ('symbols' in part) {
      const { symbols, distances } = part;
      for (let t = 0; t < symbols.length; t++) {
        const symbol = symbols[t] as number;
        if (symbol < 256) out.write(litCodes[symbol] as number, litLengths[symbol] as number);
        else writeMatch(out, symbol - 256, distances[t] as number);
      }
      continue;
    }
    const { zeros, full, tailAsLiterals, tailMatch } = zeroRunShape(part);
    const writeCopy = () => {
      out.write(litCodes[part.first] as number, litLengths[part.first] as number);
      if (zeros === 0) return;
      out.write(litCodes[0] as number, litLengths[0] as number);
      for (let k = 0; k < full; k++) writeMatch(out, MAX_MATCH, 1);
      for (let k = 0; k < tailAsLiterals; k++) out.write(litCodes[0] as number, litLengths[0] as number);
      if (tailMatch > 0) writeMatch(out, tailMatch, 1);
    };
    let written = 0;
    // Every copy has the same bits, so eight copies are a whole number of bytes: after the first
    // eight (which may start mid-byte), eight more give one period, copied for the rest.
    for (; written < Math.min(part.count, 8); written++) writeCopy();
    if (part.count - written >= 16) {
      const start = out.at;
      for (let k = 0; k < 8; k++) writeCopy();
      written += 8;
      const times = Math.floor((part.count - written) / 8);
      out.repeat(start, out.at - start, times);
      written += times * 8;
    }
    for (; written < part.count; written++) writeCopy();
  }
  out.write(litCodes[256] as number, litLengths[256] as number);
  const stream = out.finish();
  if (options.reuse) sharedOutput = out.bytes;
  return stream;
}

/** `data` as a complete raw DEFLATE stream (for tests and small inputs). */
export function deflateRaw(data: Uint8Array): Uint8Array {
  return deflateParts([tokenize(data)]);
}

/** One distance code of length 1 for blocks that use none: some decoders reject an empty set. */
function ensureDistance(frequencies: Uint32Array): Uint32Array {
  if (frequencies.every((f) => f === 0)) frequencies[0] = 1;
  return frequencies;
}

const ADLER_MOD = 65521;

/** Adler-32 of `data` (RFC 1950), continuing from `adler` (1 for a new stream). */
export function adler32(data: Uint8Array, adler = 1): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(data.length, i + 3800);
    for (; i < end; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= ADLER_MOD;
    b %= ADLER_MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** Adler-32 of the concatenation of two inputs from theirs and the second's length (zlib's adler32_combine). */
export function adler32Combine(first: number, second: number, secondLength: number): number {
  const remainder = secondLength % ADLER_MOD;
  let a = first & 0xffff;
  let b = (remainder * a) % ADLER_MOD;
  a += (second & 0xffff) + ADLER_MOD - 1;
  b += (first >>> 16) + (second >>> 16) + ADLER_MOD - remainder;
  if (a >= ADLER_MOD) a -= ADLER_MOD;
  if (a >= ADLER_MOD) a -= ADLER_MOD;
  if (b >= 2 * ADLER_MOD) b -= 2 * ADLER_MOD;
  if (b >= ADLER_MOD) b -= ADLER_MOD;
  return ((b << 16) | a) >>> 0;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256 * 4);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = table[n] as number;
    for (let k = 1; k < 4; k++) {
      c = (table[c & 0xff] as number) ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG uses it) of `data`, continuing from `crc` (0 for a new one). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  let i = 0;
  const t = CRC_TABLE;
  for (const end = data.length - 3; i < end; i += 4) {
    c ^=
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    c =
      (t[768 + (c & 0xff)] as number) ^
      (t[512 + ((c >>> 8) & 0xff)] as number) ^
      (t[256 + ((c >>> 16) & 0xff)] as number) ^
      (t[c >>> 24] as number);
  }
  for (; i < data.length; i++) c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
