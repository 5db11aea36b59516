import { seededRandom } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { DenseColumns } from './dense-columns.ts';
import { ExactCosine } from './exact-cosine.fixture.ts';

describe('dense columns', () => {
  // 1,003 rows: not a multiple of the kernel's 8-row step, so the padding rows are exercised.
  const rand = seededRandom(7);
  const DIMS = 48;
  const ROWS = 1003;
  const dense = new DenseColumns(ROWS, DIMS);
  const reference = new ExactCosine(DIMS);
  const flat = Float32Array.from({ length: ROWS * DIMS }, () => (rand() < 0.7 ? rand() * 2 - 1 : 0));
  for (let i = 0; i < ROWS; i++) {
    dense.add(flat, i * DIMS);
    reference.add(flat, i * DIMS);
  }

  it('rank as the exact cosine scan, scores within float32 rounding, for dense and sparse queries and masks', () => {
    const mask = Uint8Array.from({ length: ROWS }, (_, i) => (i % 4 === 0 || i > ROWS - 10 ? 1 : 0));
    for (let q = 0; q < 20; q++) {
      const query = Float32Array.from({ length: DIMS }, () => (q % 2 === 0 || rand() < 0.2 ? rand() * 2 - 1 : 0));
      for (const [k, m] of [
        [10, undefined],
        [1, undefined],
        [25, mask],
      ] as const) {
        const got = dense.search(query, k, m);
        const want = reference.search(query, k, m);
        expect(got.rows).toEqual(want.rows);
        got.scores.forEach((s, i) => {
          expect(Math.abs(s - want.scores[i]!)).toBeLessThan(1e-6);
        });
      }
    }
  });

  it('find the last row (the one before the padding) and nothing for k 0', () => {
    const query = flat.slice((ROWS - 1) * DIMS, ROWS * DIMS);
    expect(dense.search(query, 1).rows).toEqual([ROWS - 1]);
    expect(dense.search(query, 0).rows).toEqual([]);
  });

  it('hold its matrix in WebAssembly memory, counted in bytes', () => {
    expect(dense.bytes).toBeGreaterThanOrEqual(ROWS * DIMS * 4);
  });
});
