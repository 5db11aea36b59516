import { createRequire } from 'node:module';
import type { Schema, Table } from 'apache-arrow';
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

/** Columns a hit is made of (everything but the vector), in table order. */
export const HIT_COLUMNS = [
  'chunk_id',
  'doc_id',
  'doc_hash',
  'title',
  'heading_path',
  'position',
  'start_char',
  'end_char',
  'text',
  'index_text',
  'metadata',
] as const;

/**
 * Rows read back from LanceDB are a boundary, but one we wrote ourselves with `rowsToArrow`: the
 * table's schema is checked once when a table is opened or checked out (here), and rows are then read
 * column by column without a per-row parse. Parsing every row with zod through Arrow row proxies cost
 * 22–30% of the serving main thread (bench/serving.ts profile).
 */
export function checkChunkSchema(schema: Schema): void {
  const expected = chunkSchema(1).fields;
  for (const want of expected) {
    const got = schema.fields.find((f) => f.name === want.name);
    const ok =
      got && (want.name === 'vector' ? got.type instanceof FixedSizeList : got.type.typeId === want.type.typeId);
    if (!ok) {
      throw new Error(
        `The chunk table's column ${want.name} is ${got ? String(got.type) : 'missing'}, expected ${String(want.type)}: rebuild the index with --full.`,
      );
    }
  }
}

/** The Arrow columns of HIT_COLUMNS in a query result (or a whole table read). */
export type HitColumns = { readonly [K in (typeof HIT_COLUMNS)[number]]: { get(i: number): unknown } };

export function hitColumns(table: Pick<Table, 'getChild'>): HitColumns {
  const columns: Record<string, { get(i: number): unknown }> = {};
  for (const name of HIT_COLUMNS) {
    const col = table.getChild(name);
    if (!col) throw new Error(`LanceDB returned no ${name} column`);
    columns[name] = col;
  }
  return columns as HitColumns;
}

/** Row `i` of hit columns as an IndexHit (heading path and metadata are JSON we serialised). */
export function hitAt(c: HitColumns, i: number, score: number): IndexHit {
  const hit: IndexHit = {
    chunkId: c.chunk_id.get(i) as string,
    documentId: c.doc_id.get(i) as string,
    documentHash: c.doc_hash.get(i) as string,
    headingPath: JSON.parse(c.heading_path.get(i) as string) as string[],
    position: c.position.get(i) as number,
    startChar: c.start_char.get(i) as number,
    endChar: c.end_char.get(i) as number,
    text: c.text.get(i) as string,
    indexText: c.index_text.get(i) as string,
    metadata: JSON.parse(c.metadata.get(i) as string) as Record<string, unknown>,
    score,
  };
  const title = c.title.get(i);
  if (title != null) hit.title = title as string;
  return hit;
}

/** Every row of a search result as hits, the score read from `scoreColumn` and mapped by `toScore`. */
export function hitsFromArrow(
  table: Pick<Table, 'getChild' | 'numRows'>,
  scoreColumn: string,
  toScore: (raw: number) => number,
): IndexHit[] {
  if (table.numRows === 0) return []; // an empty result may come without columns
  const columns = hitColumns(table);
  const scores = table.getChild(scoreColumn);
  if (!scores) throw new Error(`LanceDB returned no ${scoreColumn} column`);
  const hits: IndexHit[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) hits[i] = hitAt(columns, i, toScore(Number(scores.get(i))));
  return hits;
}
