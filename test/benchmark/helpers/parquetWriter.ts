// A minimal parquet writer for tests only: one row group, PLAIN values, data page v1, thrift compact
// metadata. It writes the PandasPlotBench layout (int64 id, utf8 strings, a LIST<utf8> column), so
// the loader is exercised on the same shapes pandas/pyarrow produce, without a parquet library.
import { gzipSync } from 'node:zlib';

// ----- thrift compact protocol ---------------------------------------------------------------

const CT = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

class Compact {
  private bytes: number[] = [];
  private lastField: number[] = [0];

  varint(n: bigint): void {
    let v = n;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  zigzag(n: number | bigint): void {
    const v = BigInt(n);
    this.varint(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
  }
  fieldHeader(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1];
    const delta = id - last;
    if (delta > 0 && delta <= 15) {
      this.bytes.push((delta << 4) | type);
    } else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }
  i32(id: number, v: number): void {
    this.fieldHeader(id, CT.I32);
    this.zigzag(v);
  }
  i64(id: number, v: number | bigint): void {
    this.fieldHeader(id, CT.I64);
    this.zigzag(v);
  }
  binary(id: number, v: string): void {
    this.fieldHeader(id, CT.BINARY);
    this.rawBinary(v);
  }
  rawBinary(v: string): void {
    const b = Buffer.from(v, 'utf8');
    this.varint(BigInt(b.length));
    this.bytes.push(...b);
  }
  listHeader(id: number, elemType: number, size: number): void {
    this.fieldHeader(id, CT.LIST);
    if (size < 15) {
      this.bytes.push((size << 4) | elemType);
    } else {
      this.bytes.push(0xf0 | elemType);
      this.varint(BigInt(size));
    }
  }
  structField(id: number, body: () => void): void {
    this.fieldHeader(id, CT.STRUCT);
    this.struct(body);
  }
  struct(body: () => void): void {
    this.lastField.push(0);
    body();
    this.bytes.push(0);
    this.lastField.pop();
  }
  out(): Buffer {
    return Buffer.from(this.bytes);
  }
}

// ----- parquet pieces ------------------------------------------------------------------------

const TYPE = { INT64: 2, BYTE_ARRAY: 6 } as const;
const REP = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
const CONVERTED = { UTF8: 0, LIST: 3 } as const;
export type Codec = 'UNCOMPRESSED' | 'GZIP';
const CODEC_ID: Record<Codec, number> = { UNCOMPRESSED: 0, GZIP: 2 };

export type ColumnSpec =
  | { name: string; kind: 'int64' }
  | { name: string; kind: 'string' }
  | { name: string; kind: 'string-list' }
  /** LIST of unannotated BYTE_ARRAY, as a column of raw image bytes would be written. */
  | { name: string; kind: 'binary-list' };

/** RLE/bit-packed hybrid with only RLE runs, length-prefixed as in data page v1. */
function levels(values: number[], maxLevel: number): Buffer {
  const width = Math.ceil(Math.log2(maxLevel + 1));
  const valueBytes = Math.ceil(width / 8);
  const body: number[] = [];
  let i = 0;
  while (i < values.length) {
    let run = 1;
    while (i + run < values.length && values[i + run] === values[i]) {
      run++;
    }
    let header = run << 1;
    while (header >= 0x80) {
      body.push((header & 0x7f) | 0x80);
      header >>>= 7;
    }
    body.push(header);
    for (let b = 0; b < valueBytes; b++) {
      body.push((values[i] >> (8 * b)) & 0xff);
    }
    i += run;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([len, Buffer.from(body)]);
}

function plainString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
}

function plainBytes(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
}

function plainInt64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(v));
  return b;
}

interface EncodedColumn {
  path: string[];
  type: number;
  page: Buffer;
  numValues: number;
}

function encodeColumn(spec: ColumnSpec, rows: Record<string, unknown>[]): EncodedColumn {
  const values: Buffer[] = [];
  const defs: number[] = [];
  const reps: number[] = [];
  if (spec.kind === 'string-list' || spec.kind === 'binary-list') {
    // optional group (LIST) > repeated group list > optional element: max def 3, max rep 1.
    for (const row of rows) {
      const v = row[spec.name];
      if (v === null || v === undefined) {
        defs.push(0);
        reps.push(0);
      } else if ((v as unknown[]).length === 0) {
        defs.push(1);
        reps.push(0);
      } else {
        (v as (string | Uint8Array | null)[]).forEach((el, j) => {
          reps.push(j === 0 ? 0 : 1);
          if (el === null) {
            defs.push(2);
          } else {
            defs.push(3);
            values.push(typeof el === 'string' ? plainString(el) : plainBytes(el));
          }
        });
      }
    }
    const page = Buffer.concat([levels(reps, 1), levels(defs, 3), ...values]);
    return { path: [spec.name, 'list', 'element'], type: TYPE.BYTE_ARRAY, page, numValues: defs.length };
  }
  for (const row of rows) {
    const v = row[spec.name];
    if (v === null || v === undefined) {
      defs.push(0);
    } else {
      defs.push(1);
      values.push(spec.kind === 'int64' ? plainInt64(v as number) : plainString(v as string));
    }
  }
  const page = Buffer.concat([levels(defs, 1), ...values]);
  return { path: [spec.name], type: spec.kind === 'int64' ? TYPE.INT64 : TYPE.BYTE_ARRAY, page, numValues: defs.length };
}

function pageHeader(uncompressed: number, compressed: number, numValues: number): Buffer {
  const t = new Compact();
  t.struct(() => {
    t.i32(1, 0); // DATA_PAGE
    t.i32(2, uncompressed);
    t.i32(3, compressed);
    t.structField(5, () => {
      t.i32(1, numValues);
      t.i32(2, 0); // PLAIN
      t.i32(3, 3); // RLE
      t.i32(4, 3); // RLE
    });
  });
  return t.out();
}

/** Parquet bytes holding `rows` with the given columns (nulls allowed everywhere). */
export function writeParquet(columns: ColumnSpec[], rows: Record<string, unknown>[], codec: Codec = 'UNCOMPRESSED'): Buffer {
  const chunks: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const metas: { col: EncodedColumn; offset: number; uncompressed: number; compressed: number }[] = [];
  for (const spec of columns) {
    const col = encodeColumn(spec, rows);
    const body = codec === 'GZIP' ? gzipSync(col.page) : col.page;
    const header = pageHeader(col.page.length, body.length, col.numValues);
    metas.push({ col, offset, uncompressed: header.length + col.page.length, compressed: header.length + body.length });
    chunks.push(header, body);
    offset += header.length + body.length;
  }

  const t = new Compact();
  t.struct(() => {
    t.i32(1, 1);
    const schemaCount = 1 + columns.reduce((n, c) => n + (c.kind === 'string-list' || c.kind === 'binary-list' ? 3 : 1), 0);
    t.listHeader(2, CT.STRUCT, schemaCount);
    t.struct(() => {
      t.binary(4, 'schema');
      t.i32(5, columns.length);
    });
    for (const spec of columns) {
      if (spec.kind === 'string-list' || spec.kind === 'binary-list') {
        t.struct(() => {
          t.i32(3, REP.OPTIONAL);
          t.binary(4, spec.name);
          t.i32(5, 1);
          t.i32(6, CONVERTED.LIST);
        });
        t.struct(() => {
          t.i32(3, REP.REPEATED);
          t.binary(4, 'list');
          t.i32(5, 1);
        });
        t.struct(() => {
          t.i32(1, TYPE.BYTE_ARRAY);
          t.i32(3, REP.OPTIONAL);
          t.binary(4, 'element');
          if (spec.kind === 'string-list') {
            t.i32(6, CONVERTED.UTF8);
          }
        });
      } else {
        t.struct(() => {
          t.i32(1, spec.kind === 'int64' ? TYPE.INT64 : TYPE.BYTE_ARRAY);
          t.i32(3, REP.OPTIONAL);
          t.binary(4, spec.name);
          if (spec.kind === 'string') {
            t.i32(6, CONVERTED.UTF8);
          }
        });
      }
    }
    t.i64(3, rows.length);
    t.listHeader(4, CT.STRUCT, 1);
    t.struct(() => {
      t.listHeader(1, CT.STRUCT, metas.length);
      for (const m of metas) {
        t.struct(() => {
          t.i64(2, m.offset);
          t.structField(3, () => {
            t.i32(1, m.col.type);
            t.listHeader(2, CT.I32, 2);
            t.zigzag(0); // PLAIN
            t.zigzag(3); // RLE
            t.listHeader(3, CT.BINARY, m.col.path.length);
            for (const p of m.col.path) {
              t.rawBinary(p);
            }
            t.i32(4, CODEC_ID[codec]);
            t.i64(5, m.col.numValues);
            t.i64(6, m.uncompressed);
            t.i64(7, m.compressed);
            t.i64(9, m.offset);
          });
        });
      }
      t.i64(2, metas.reduce((n, m) => n + m.uncompressed, 0));
      t.i64(3, rows.length);
    });
    t.binary(6, 'plotwright test writer');
  });
  const footer = t.out();
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer.length);
  chunks.push(footer, len, Buffer.from('PAR1'));
  return Buffer.concat(chunks);
}

/** The PandasPlotBench columns in dataset order. */
export const PLOTBENCH_COLUMNS: ColumnSpec[] = [
  { name: 'id', kind: 'int64' },
  { name: 'code_plot', kind: 'string' },
  { name: 'code_data', kind: 'string' },
  { name: 'data_csv', kind: 'string' },
  { name: 'task__plot_description', kind: 'string' },
  { name: 'task__plot_style', kind: 'string' },
  { name: '_task__plot_description_short', kind: 'string' },
  { name: '_task__plot_description_short_single', kind: 'string' },
  { name: 'plots_gt', kind: 'string-list' },
];
