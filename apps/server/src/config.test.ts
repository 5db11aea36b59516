import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError } from '@ragops/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies defaults, treating empty variables as unset', () => {
    const config = loadConfig({ PORT: '', RAGOPS_HOME: '/tmp/ragops-home' });
    expect(config.port).toBe(8787);
    expect(config.host).toBe('127.0.0.1');
    expect(config.metadataUrl).toBe(`sqlite:${path.join('/tmp/ragops-home', 'ragops.db')}`);
    expect(config.logFormat).toBe('json');
    expect(config.maxBodyBytes).toBe(1024 * 1024);
  });

  it('reports every invalid variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'http', RAGOPS_LOG_FORMAT: 'xml', RAGOPS_MAX_BODY_BYTES: '-1' });
    } catch (e) {
      error = e;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/RAGOPS_LOG_FORMAT/);
    expect(message).toMatch(/RAGOPS_MAX_BODY_BYTES/);
  });

  it('keeps an explicit metadata URL', () => {
    expect(loadConfig({ RAGOPS_METADATA_URL: 'postgres://db/x' }).metadataUrl).toBe('postgres://db/x');
  });
});

describe('RAGOPS_WORKERS', () => {
  it('is 1 by default, an integer 1–64, or auto (one per core)', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ RAGOPS_WORKERS: '' }).workers).toBe(1);
    expect(loadConfig({ RAGOPS_WORKERS: '2' }).workers).toBe(2);
    expect(loadConfig({ RAGOPS_WORKERS: '64' }).workers).toBe(64);
    expect(loadConfig({ RAGOPS_WORKERS: 'auto' }).workers).toBe(Math.min(64, availableParallelism()));
  });

  it('refuses anything else with one line naming it', () => {
    for (const bad of ['0', '65', '-1', '2.5', ' 2', 'two', 'AUTO', '100']) {
      expect(() => loadConfig({ RAGOPS_WORKERS: bad })).toThrow(
        'Invalid server environment:\nRAGOPS_WORKERS: must be an integer from 1 to 64, or auto',
      );
    }
  });
});
