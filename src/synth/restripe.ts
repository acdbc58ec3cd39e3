import { said } from '../message.ts';

/**
 * Turns a baseline JPEG whose rows of MCUs are the *distinct* strips of an image into the JPEG of
 * the whole image, without encoding anything twice: each strip becomes one restart interval
 * (DRI, RSTn markers), and a repeated strip repeats the same bytes.
 *
 * A restart interval starts with every DC predictor at zero and on a byte boundary, so a strip's
 * bytes mean the same wherever it stands, once the first DC of each component (coded by MozJPEG as
 * a difference to the strip above it on the sheet) is recoded against zero. MozJPEG fits its
 * Huffman tables to the sheet, which may lack the code that recoding needs, so every symbol is
 * re-coded with the standard tables of T.81 Annex K (a table lookup per symbol); the coefficients,
 * and so the decoded pixels, are MozJPEG's own.
 *
 * @see https://www.w3.org/Graphics/JPEG/itu-t81.pdf ITU T.81: F.1.2 (Huffman coding), B.2.4.4 (DRI)
 */

interface HuffmanTable {
  /** Decoding: code lengths and symbols in canonical order. */
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
  /** Encoding: code and length per symbol. */
  code: Uint16Array;
  length: Uint8Array;
}

interface ScanComponent {
  blocks: number;
  /** The sheet's tables, to decode. */
  dc: HuffmanTable;
  ac: HuffmanTable;
  /** The standard tables of the same class, to encode. */
  dcOut: HuffmanTable;
  acOut: HuffmanTable;
}

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const DC_VALUES = '000102030405060708090a0b';
/** T.81 Annex K.3 tables: code counts per length 1..16, then the symbols (K.3.1 and K.3.2). */
const STANDARD = {
  dcLuminance: { counts: hex('00010501010101010100000000000000'), values: hex(DC_VALUES) },
  dcChrominance: { counts: hex('00030101010101010101010000000000'), values: hex(DC_VALUES) },
  acLuminance: {
    counts: hex('0002010303020403050504040000017d'),
    values: hex(
      '01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa',
    ),
  },
  acChrominance: {
    counts: hex('00020102040403040705040400010277'),
    values: hex(
      '000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa',
    ),
  },
};

/** The DHT segment defining the four standard tables: DC 0 and 1, AC 0 and 1. */
function standardDht(): Uint8Array {
  const tables = [
    [0x00, STANDARD.dcLuminance],
    [0x01, STANDARD.dcChrominance],
    [0x10, STANDARD.acLuminance],
    [0x11, STANDARD.acChrominance],
  ] as const;
  const length = 2 + tables.reduce((sum, [, t]) => sum + 17 + t.values.length, 0);
  const out = new Uint8Array(2 + length);
  out.set([0xff, 0xc4, length >> 8, length & 0xff]);
  let at = 4;
  for (const [info, table] of tables) {
    out[at] = info;
    out.set(table.counts, at + 1);
    out.set(table.values, at + 17);
    at += 17 + table.values.length;
  }
  return out;
}

function buildTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let next = 0;
  let k = 0;
  for (let l = 1; l <= 16; l++) {
    const n = counts[l - 1] as number;
    valPtr[l] = k;
    minCode[l] = next;
    for (let i = 0; i < n; i++, k++, next++) {
      const symbol = values[k] as number;
      code[symbol] = next;
      length[symbol] = l;
    }
    maxCode[l] = n > 0 ? next - 1 : -1;
    next <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { maxCode, valPtr, minCode, values, code, length };
}

/** Reads bits most significant first from unstuffed entropy-coded data. */
class BitReader {
  position = 0;
  private readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    this.data = data;
  }

  bit(): number {
    const p = this.position++;
    return ((this.data[p >> 3] ?? 0) >> (7 - (p & 7))) & 1;
  }

  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = (value << 1) | this.bit();
    return value;
  }

  decode(table: HuffmanTable): number {
    let code = this.bit();
    let l = 1;
    while (code > (table.maxCode[l] as number)) {
      code = (code << 1) | this.bit();
      if (++l > 16) throw new Error(said(`restripe: bad Huffman code`));
    }
    return table.values[(table.valPtr[l] as number) + code - (table.minCode[l] as number)] as number;
  }
}

/** Writes bits most significant first, stuffing a zero byte after each 0xFF (T.81 F.1.2.3). */
class BitWriter {
  bytes: Uint8Array;
  at = 0;
  private acc = 0;
  private count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(64, capacity));
  }

  write(value: number, count: number): void {
    for (let left = count; left > 0; ) {
      const take = Math.min(left, 8);
      left -= take;
      this.acc = (this.acc << take) | ((value >>> left) & ((1 << take) - 1));
      this.count += take;
      if (this.count >= 8) {
        this.count -= 8;
        this.emit((this.acc >>> this.count) & 0xff);
        this.acc &= (1 << this.count) - 1;
      }
    }
  }

  private emit(byte: number): void {
    if (this.at + 2 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.at++] = byte;
    if (byte === 0xff) this.bytes[this.at++] = 0;
  }

  /** Pads with one bits to a byte boundary (T.81 F.1.2.3) and returns the bytes. */
  finish(): Uint8Array {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
    return this.bytes.slice(0, this.at);
  }
}

function writeDc(writer: BitWriter, table: HuffmanTable, value: number): void {
  const magnitude = Math.abs(value);
  let category = 0;
  while (magnitude >> category) category++;
  if ((table.length[category] as number) === 0) throw new Error(said(`restripe: no DC code for ${category}`));
  writer.write(table.code[category] as number, table.length[category] as number);
  if (category > 0) writer.write(value >= 0 ? value : value + (1 << category) - 1, category);
}

/** Entropy-coded bytes without the stuffed zero after each 0xFF; stops at the first marker. */
function unstuff(bytes: Uint8Array, from: number): { data: Uint8Array; end: number } {
  const data = new Uint8Array(bytes.length - from);
  let n = 0;
  let i = from;
  for (; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0xff) {
      const next = bytes[i + 1];
      if (next === 0x00) {
        data[n++] = 0xff;
        i++;
        continue;
      }
      break; // a marker: EOI (no restart markers in MozJPEG's output here)
    }
    data[n++] = byte;
  }
  return { data: data.subarray(0, n), end: i };
}

/**
 * The JPEG of an image of `height` rows whose MCU row `s` is MCU row `stripOf[s]` of `sheet`, a
 * baseline sequential interleaved JPEG (as MozJPEG writes it with `baseline`, no `progressive`).
 *
 * @example restripe(mozjpeg.encode(distinctStrips, width, count * 16, options), stripOf, height)
 */
export function restripe(sheet: Uint8Array, stripOf: Uint32Array, height: number): Uint8Array {
  if (sheet[0] !== 0xff || sheet[1] !== 0xd8) throw new Error(said(`restripe: not a JPEG`));
  const header: Uint8Array[] = [sheet.subarray(0, 2)];
  const dcTables: HuffmanTable[] = [];
  const acTables: HuffmanTable[] = [];
  let frame: { width: number; components: Map<number, { h: number; v: number }>; sofAt: number } | undefined;
  const standardTables = {
    dcLuminance: buildTable(STANDARD.dcLuminance.counts, STANDARD.dcLuminance.values),
    dcChrominance: buildTable(STANDARD.dcChrominance.counts, STANDARD.dcChrominance.values),
    acLuminance: buildTable(STANDARD.acLuminance.counts, STANDARD.acLuminance.values),
    acChrominance: buildTable(STANDARD.acChrominance.counts, STANDARD.acChrominance.values),
  };
  let scan: ScanComponent[] = [];
  let sosAt = -1;
  let at = 2;
  while (at < sheet.length && sosAt < 0) {
    if (sheet[at] !== 0xff) throw new Error(said(`restripe: expected a marker at ${at}`));
    const marker = sheet[at + 1] as number;
    const length = ((sheet[at + 2] as number) << 8) | (sheet[at + 3] as number);
    const body = at + 4;
    if (marker === 0xc0 || marker === 0xc1) {
      const components = new Map<number, { h: number; v: number }>();
      const count = sheet[body + 5] as number;
      for (let c = 0; c < count; c++) {
        const sampling = sheet[body + 7 + c * 3] as number;
        components.set(sheet[body + 6 + c * 3] as number, { h: sampling >> 4, v: sampling & 15 });
      }
      frame = {
        width: ((sheet[body + 3] as number) << 8) | (sheet[body + 4] as number),
        components,
        sofAt: at,
      };
    } else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new Error(said(`restripe: only baseline sequential JPEG, not SOF 0x${marker.toString(16)}`));
    } else if (marker === 0xc4) {
      for (let p = body; p < at + 2 + length; ) {
        const info = sheet[p] as number;
        const counts = sheet.subarray(p + 1, p + 17);
        const total = counts.reduce((sum, n) => sum + n, 0);
        const table = buildTable(counts, sheet.subarray(p + 17, p + 17 + total));
        (info >> 4 === 0 ? dcTables : acTables)[info & 15] = table;
        p += 17 + total;
      }
    } else if (marker === 0xdd) {
      throw new Error(said(`restripe: the sheet must have no restart interval`));
    } else if (marker === 0xda) {
      if (!frame) throw new Error(said(`restripe: SOS before SOF`));
      const count = sheet[body] as number;
      scan = [];
      for (let c = 0; c < count; c++) {
        const sampling = frame.components.get(sheet[body + 1 + c * 2] as number);
        const tables = sheet[body + 2 + c * 2] as number;
        const dc = dcTables[tables >> 4];
        const ac = acTables[tables & 15];
        if (!sampling || !dc || !ac) throw new Error(said(`restripe: scan component without tables`));
        const luminance = tables >> 4 === 0;
        scan.push({
          blocks: sampling.h * sampling.v,
          dc,
          ac,
          dcOut: luminance ? standardTables.dcLuminance : standardTables.dcChrominance,
          acOut: (tables & 15) === 0 ? standardTables.acLuminance : standardTables.acChrominance,
        });
      }
      sosAt = at;
    }
    if (marker !== 0xc4 && marker !== 0xda) header.push(sheet.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  if (!frame || sosAt < 0) throw new Error(said(`restripe: no frame or scan`));
  const hMax = Math.max(...[...frame.components.values()].map((c) => c.h));
  const mcusPerRow = Math.ceil(frame.width / (8 * hMax));
  const { data } = unstuff(sheet, at);
  const sheetRows = ((sheet[frame.sofAt + 5] as number) << 8) | (sheet[frame.sofAt + 6] as number);
  const vMax = Math.max(...[...frame.components.values()].map((c) => c.v));
  const distinct = Math.ceil(sheetRows / (8 * vMax));

  // Decode the sheet's strips and re-code each alone: standard tables, first DCs against zero.
  const reader = new BitReader(data);
  const predictors = new Int32Array(scan.length);
  const segments: Uint8Array[] = [];
  for (let strip = 0; strip < distinct; strip++) {
    const writer = new BitWriter((data.length / distinct) * 1.2 + 64);
    for (let mcu = 0; mcu < mcusPerRow; mcu++) {
      for (let c = 0; c < scan.length; c++) {
        const component = scan[c] as ScanComponent;
        for (let b = 0; b < component.blocks; b++) {
          const category = reader.decode(component.dc);
          const extra = category > 0 ? reader.bits(category) : 0;
          const diff = category > 0 && extra < 1 << (category - 1) ? extra - (1 << category) + 1 : extra;
          predictors[c] = (predictors[c] as number) + diff;
          if (mcu === 0 && b === 0) writeDc(writer, component.dcOut, predictors[c] as number);
          else {
            writer.write(
              component.dcOut.code[category] as number,
              component.dcOut.length[category] as number,
            );
            if (category > 0) writer.write(extra, category);
          }
          for (let k = 1; k < 64; ) {
            const rs = reader.decode(component.ac);
            writer.write(component.acOut.code[rs] as number, component.acOut.length[rs] as number);
            const size = rs & 15;
            if (size === 0) {
              if (rs !== 0xf0) break; // end of block
              k += 16;
              continue;
            }
            k += (rs >> 4) + 1;
            writer.write(reader.bits(size), size);
          }
        }
      }
    }
    segments.push(writer.finish());
  }

  // Header (with the real height), standard DHT, DRI of one strip, SOS, strips between RSTn, EOI.
  const strips = stripOf.length;
  const dht = standardDht();
  const dri = Uint8Array.of(0xff, 0xdd, 0x00, 0x04, mcusPerRow >> 8, mcusPerRow & 0xff);
  const sos = sheet.subarray(sosAt, at);
  let size = header.reduce((sum, part) => sum + part.length, 0) + dht.length + dri.length + sos.length;
  size += 2 * (strips - 1) + 2;
  for (let s = 0; s < strips; s++) size += (segments[stripOf[s] as number] as Uint8Array).length;
  const out = new Uint8Array(size);
  let to = 0;
  for (const part of [...header, dht, dri, sos]) {
    if (part[1] === 0xc0 || part[1] === 0xc1) {
      out.set(part, to);
      out[to + 5] = height >> 8;
      out[to + 6] = height & 0xff;
    } else out.set(part, to);
    to += part.length;
  }
  for (let s = 0; s < strips; s++) {
    const segment = segments[stripOf[s] as number] as Uint8Array;
    out.set(segment, to);
    to += segment.length;
    if (s < strips - 1) {
      out[to++] = 0xff;
      out[to++] = 0xd0 + (s & 7);
    }
  }
  out[to++] = 0xff;
  out[to++] = 0xd9;
  return out;
}
