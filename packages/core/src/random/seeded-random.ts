/**
 * A seeded uniform [0, 1) generator (mulberry32: 32-bit state, passes the usual small-crush
 * checks, plenty for resampling). Five lines did not justify a dependency; swap in `pure-rand` if a
 * second user needs more than uniform draws.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
