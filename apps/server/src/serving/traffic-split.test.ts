import { endpointConfigSchema } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { redact } from './inference-row-builder.ts';
import { RateLimiter } from './rate-limiter.ts';
import { pickArm, stickyPoint } from './traffic-split.ts';

const config = endpointConfigSchema.parse({
  served: [
    { model: 'models:/dev.s.m@champion', traffic: 90 },
    { model: 'models:/dev.s.m@challenger', traffic: 10 },
    { model: 'models:/dev.s.m/1', traffic: 0 },
  ],
});

describe('pickArm', () => {
  it('maps the random point onto the cumulative split and never picks a 0 % arm', () => {
    const at = (p: number) => pickArm({ endpoint: 'e', config, stickyKey: undefined, random: () => p }).entity.name;
    expect(at(0)).toBe('champion');
    expect(at(0.8999)).toBe('champion');
    expect(at(0.9)).toBe('challenger');
    expect(at(0.99999)).toBe('challenger');
  });

  it('is stable per sticky key and spreads keys by the split', () => {
    const arm = (key: string) => pickArm({ endpoint: 'e', config, stickyKey: key, random: () => 0 });
    expect(arm('alice')).toEqual(arm('alice'));
    expect(arm('alice').assignment).toBe('sticky');
    const champions = Array.from({ length: 2000 }, (_, i) => arm(`k${i}`).entity.name).filter((n) => n === 'champion');
    expect(champions.length).toBeGreaterThan(1700); // 1800 expected, sd ≈ 13
    expect(champions.length).toBeLessThan(1900);
    expect(stickyPoint('e', 'alice')).not.toBe(stickyPoint('other-endpoint', 'alice'));
  });

  it('reports single-arm endpoints as such', () => {
    const one = endpointConfigSchema.parse({ served: [{ model: 'models:/dev.s.m/1', traffic: 100 }] });
    expect(pickArm({ endpoint: 'e', config: one, stickyKey: 'x', random: Math.random }).assignment).toBe('single');
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the per-minute rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = { requestsPerMinute: 60, burst: 2 };
    expect([limiter.take('a', limit), limiter.take('a', limit), limiter.take('a', limit)]).toEqual([true, true, false]);
    expect(limiter.take('b', limit)).toBe(true);
    now += 1_000; // one token per second
    expect(limiter.take('a', limit)).toBe(true);
    expect(limiter.take('a', limit)).toBe(false);
  });
});

describe('redact', () => {
  it('masks e-mail addresses and long digit runs', () => {
    expect(redact('mail jane.doe+x@example.co.uk or call 0612345678, order 42')).toBe(
      'mail [email] or call [number], order 42',
    );
  });
});
