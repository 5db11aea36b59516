import { createRequire } from 'node:module';
import type { Schema, Table } from 'apache-arrow';
import { z } from 'zod';
import type { ChunkRow, IndexHit } from '../vector-index.ts';

// LanceDB require()s apache-arrow and checks `instanceof` against the CommonJS build; an ESM
// import gives other classes (the dual-package hazard) and LanceDB then rejects our tables.
export const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
const {
  Field,
  FixedSizeList,
  Float32,
  Int32,
  makeData,
  RecordBatch,
  Schema: ArrowSchema,
  Struct,
  Table: ArrowTable,
  Utf8,
  vectorFromArray,
} = arrow;

/** The table's columns. heading_path and metadata are JSON strings (filters use metadata via LIKE). */
export function chunkSchema(dimensions: number): Schema {
  return new ArrowSchema([
    new Field('chunk_id', new Utf8(), false),
    new Field('doc_id', new Utf8(), false),
    new Field('doc_hash', new Utf8(), false),
    new Field('title', new Utf8(), true),
    new Field('heading_path', new Utf8(), false),
    new Field('position', new Int32(), false),
    new Field('start_char', new Int32(), false),
    new Field('end_char', new Int32(), false),
    new Field('text', new Utf8(), false),
    new Field('index_text', new Utf8(), false),
    new Field('metadata', new Utf8(), false),
    new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), false),
  ]);
}

/** Rows → one Arrow table, vectors copied into one contiguous Float32Array (no per-row objects). */
export function rowsToArrow(rows: readonly ChunkRow[], dimensions: number): Table {
  const schema = chunkSchema(dimensions);
  const n = rows.length;
  const flat = new Float32Array(n * dimensions);
  rows.forEach((r, i) => {
    if (r.vector.length !== dimensions) {
      throw new Error(`chunk ${r.chunkId} has a ${r.vector.length}-dimensional vector, table has ${dimensions}`);
    }
    flat.set(r.vector, i * dimensions);
  });
  const str = (f: (r: ChunkRow) => string | null) => vectorFromArray(rows.map(f), new Utf8()).data[0]!;
  const int = (f: (r: ChunkRow) => number) =>
    makeData({ type: new Int32(), length: n, data: Int32Array.from(rows, f) });
  const listType = schema.fields[11]!.type as InstanceType<typeof FixedSizeList<InstanceType<typeof Float32>>>;
  const vector = makeData({
    type: listType,
    length: n,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: n * dimensions, data: flat }),
  });
  const children = [
    str((r) => r.chunkId),
    str((r) => r.documentId),
    str((r) => r.documentHash),
    str((r) => r.title ?? null),
    str((r) => JSON.stringify(r.headingPath)),
    int((r) => r.position),
    int((r) => r.startChar),
    int((r) => r.endChar),
    str((r) => r.text),
    str((r) => r.indexText),
    str((r) => JSON.stringify(r.metadata)),
    vector,
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new ArrowTable([new RecordBatch(schema, struct)]);
}

// Rows read back from LanceDB are a boundary: parse them.
const hitRowSchema = z.object({
  chunk_id: z.string(),
  doc_id: z.string(),
  doc_hash: z.string(),
  title: z.string().nullish(),
  heading_path: z.string(),
  position: z.number(),
  start_char: z.number(),
  end_char: z.number(),
  text: z.string(),
  index_text: z.string(),
  metadata: z.string(),
});

export const HIT_COLUMNS = Object.keys(hitRowSchema.shape);

export function rowToHit(raw: unknown, score: number): IndexHit {
  const r = hitRowSchema.parse(raw);
  const hit: IndexHit = {
    chunkId: r.chunk_id,
    documentId: r.doc_id,
    documentHash: r.doc_hash,
    headingPath: z.array(z.string()).parse(JSON.parse(r.heading_path)),
    position: r.position,
    startChar: r.start_char,
    endChar: r.end_char,
    text: r.text,
    indexText: r.index_text,
    metadata: z.record(z.string(), z.unknown()).parse(JSON.parse(r.metadata)),
    score,
  };
  if (r.title != null) hit.title = r.title;
  return hit;
}
