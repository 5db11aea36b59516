/** Mean of equal-length vectors. Throws RangeError for no vectors or mixed lengths. */
export function centroid(vectors: readonly (readonly number[])[]): number[] {
  const first = vectors[0];
  if (first === undefined) throw new RangeError('a centroid needs at least one vector');
  const sum = new Array<number>(first.length).fill(0);
  for (const v of vectors) {
    if (v.length !== first.length) throw new RangeError(`vectors of length ${first.length} and ${v.length} mixed`);
    for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  }
  return sum.map((s) => s / vectors.length);
}

/** 1 − cosine similarity, in [0, 2]; 1 when either vector is zero (no direction to compare). */
export function cosineDistance(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 1;
  return 1 - dot / Math.sqrt(na * nb);
}

/** Squared Euclidean distance. */
export function squaredDistance(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - b[i]!;
    d += x * x;
  }
  return d;
}
