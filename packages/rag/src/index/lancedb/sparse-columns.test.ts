import { seededRandom } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../embed/hash-embedder.ts';
import { DenseColumns } from './dense-columns.ts';
import { ExactCosine } from './exact-cosine.fixture.ts';
import { FULL_COLUMNS_DENSITY, SPARSE_BLOCK_ROWS, SparseColumns } from './sparse-columns.ts';

const DIMS = 64;
const rand = seededRandom(11);

/**
 * Rows a block and a half long: `density` of dimensions non-zero, dimension 0 only every 700th row (gaps
 * over 255 rows need filler entries), and pairs of rows 1e-4 apart (their int8 codes are equal, so
 * only the exact step can order them).
 */
function rows(n: number, density: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 1) {
      const twin = Float32Array.from(out[i - 1]!);
      twin[5] = (twin[5] || 0.5) * (1 + 1e-4);
      out.push(twin);
      continue;
    }
    const v = new Float32Array(DIMS);
    for (let j = 1; j < DIMS; j++) if (rand() < density) v[j] = (rand() * 2 - 1) * (j % 7 === 0 ? 3 : 1);
    if (i % 700 === 0) v[0] = rand() + 0.1;
    v[1 + (i % (DIMS - 1))] ||= 0.2; // no zero vector
    out.push(v);
  }
  return out;
}

function build(vectors: Float32Array[]): { sparse: SparseColumns; dense: ExactCosine } {
  const sparse = new SparseColumns(DIMS);
  const dense = new ExactCosine(DIMS);
  const flat = new Float32Array(vectors.length * DIMS);
  vectors.forEach((v, i) => {
    flat.set(v, i * DIMS);
  });
  for (let i = 0; i < vectors.length; i++) {
    sparse.add(flat, i * DIMS);
    dense.add(flat, i * DIMS);
  }
  return { sparse: sparse.finish(), dense };
}

const n = Math.floor(SPARSE_BLOCK_ROWS * 1.5);

/**
 * The same scores in order, and the same rows but for the order of exact ties and which of those
 * tied at the cut are kept (rows with one non-zero, in the same dimension, have equal cosines).
 */
function expectSameRanking(got: { rows: number[]; scores: number[] }, want: { rows: number[]; scores: number[] }) {
  expect(got.scores.length).toBe(want.scores.length);
  got.scores.forEach((s, i) => {
    expect(s).toBeCloseTo(want.scores[i]!, 9);
  });
  const cut = want.scores.at(-1)! + 1e-9;
  const above = (r: { rows: number[]; scores: number[] }) =>
    r.rows.filter((_, i) => r.scores[i]! > cut).sort((a, b) => a - b);
  expect(above(got)).toEqual(above(want));
}

// Both kinds of quantized columns: every row (30% non-zero) and the non-zeros only (5%).
describe.each([
  { density: 0.3, full: true },
  { density: 0.05, full: false },
])('sparse columns, $density non-zero', ({ density, full }) => {
  const data = rows(n, density);
  const { sparse, dense } = build(data);

  it('quantize into the kind of columns their density asks for', () => {
    expect(sparse.nonZeros / (n * DIMS) >= FULL_COLUMNS_DENSITY).toBe(full);
    expect(sparse.fullColumns).toBe(full);
  });

  it('rank exactly as the dense scan: sparse, dense and near-tie queries, with masks', () => {
    const queries: Float32Array[] = [];
    for (let q = 0; q < 10; q++) queries.push(Float32Array.from({ length: DIMS }, () => rand() * 2 - 1)); // every dimension
    for (let q = 0; q < 10; q++) queries.push(Float32Array.from({ length: DIMS }, () => (rand() < 0.1 ? rand() : 0)));
    for (let q = 0; q < 10; q++) queries.push(Float32Array.from(data[Math.floor(rand() * n)]!)); // a row and its twin on top
    queries.push(Float32Array.from({ length: DIMS }, (_, j) => (j === 0 ? 1 : 0))); // the filler column alone
    const mask = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 || i > n - 40 ? 1 : 0));
    for (const query of queries) {
      for (const [k, m] of [
        [10, undefined],
        [1, undefined],
        [25, mask],
      ] as const) {
        const got = sparse.search(query, k, m);
        const want = dense.search(query, k, m);
        expectSameRanking(got, want);
      }
    }
  });

  it('score exactly the rows their int8 codes cannot tell apart', () => {
    // 60 rows with equal codes and norms (dimension 5 within one quantization step, dimension 6
    // keeping the norm): their approximate scores tie, their exact ones rise with m. Only the
    // error-bound step finds the best 10, the last rows scanned.
    const vectors: Float32Array[] = [];
    for (let i = 0; i < 200; i++)
      vectors.push(Float32Array.from({ length: DIMS }, () => (rand() < density ? rand() * 2 - 1 : 0)));
    vectors[0]![5] = 3; // sets the block's scale of dimension 5: one step is 3/127
    for (let m = 0; m < 60; m++) {
      const v = new Float32Array(DIMS);
      v[5] = 0.5 + 0.00008 * m;
      v[6] = Math.sqrt(0.26 - v[5] ** 2);
      v[7] = 0.3;
      vectors.push(v);
    }
    const { sparse: group, dense: reference } = build(vectors);
    expect(group.fullColumns).toBe(full);
    const query = Float32Array.from({ length: DIMS }, (_, j) => (j === 5 ? 1 : j === 7 ? 0.5 : 0));
    const want = reference.search(query, 10);
    expect(want.rows).toEqual(Array.from({ length: 10 }, (_, i) => 259 - i));
    expect(group.search(query, 10).rows).toEqual(want.rows);
  });

  it('return every row when k is larger than the rows a mask leaves, and nothing for k 0', () => {
    const mask = new Uint8Array(n);
    for (const i of [3, 400, 9000, n - 1]) mask[i] = 1;
    const query = Float32Array.from({ length: DIMS }, () => rand() - 0.5);
    expect(sparse.search(query, 10, mask).rows.sort((a, b) => a - b)).toEqual([3, 400, 9000, n - 1]);
    expect(sparse.search(query, 0).rows).toEqual([]);
    expect(new SparseColumns(DIMS).finish().search(query, 5).rows).toEqual([]);
  });
});

describe('sparse columns of hash embeddings', () => {
  it('hold hash-embedded chunks in fewer bytes than dense columns', () => {
    const embedder = new HashEmbedder({ dimensions: 1024 });
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
    const texts = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: 40 }, (_, w) => `${words[(i * 7 + w * 3) % words.length]}${(i + w) % 50}`).join(' '),
    );
    const hashed = new SparseColumns(1024);
    const dense = new DenseColumns(texts.length, 1024);
    const reference = new ExactCosine(1024);
    for (const text of texts) {
      const v = embedder.embedOne(text);
      hashed.add(v, 0);
      dense.add(v, 0);
      reference.add(v, 0);
    }
    hashed.finish();
    expect(hashed.nonZeros / (texts.length * 1024)).toBeLessThan(0.5);
    expect(hashed.bytes).toBeLessThan(dense.bytes);
    const query = embedder.embedOne('charlie12 delta7 golf');
    expect(hashed.search(query, 10).rows).toEqual(reference.search(query, 10).rows);
  });
});
