import { createHash } from 'node:crypto';
import type { EndpointConfig } from '@ragops/core';

export type ArmChoice = {
  entity: EndpointConfig['served'][number];
  assignment: 'sticky' | 'random' | 'single';
};

/**
 * Picks the served entity for a request. With a sticky key, a hash of endpoint + key picks a point
 * in [0, 100) — the same key lands on the same arm while the split is unchanged; without one,
 * `random()` does. Arms at 0 % never receive live traffic.
 */
export function pickArm(input: {
  endpoint: string;
  config: EndpointConfig;
  stickyKey: string | undefined;
  random: () => number;
}): ArmChoice {
  const live = input.config.served.filter((e) => e.traffic > 0);
  if (live.length === 1) return { entity: live[0]!, assignment: 'single' };
  const point = input.stickyKey !== undefined ? stickyPoint(input.endpoint, input.stickyKey) : input.random() * 100;
  let cumulative = 0;
  for (const entity of live) {
    cumulative += entity.traffic;
    if (point < cumulative) return { entity, assignment: input.stickyKey !== undefined ? 'sticky' : 'random' };
  }
  return { entity: live.at(-1)!, assignment: input.stickyKey !== undefined ? 'sticky' : 'random' };
}

/** A stable point in [0, 100) for a key (first 6 bytes of sha256: uniform enough, and fast). */
export function stickyPoint(endpoint: string, key: string): number {
  const digest = createHash('sha256').update(`${endpoint}\u0000${key}`).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}
