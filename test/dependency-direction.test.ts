import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Dependencies point one way: apps → monitoring → evals → rag → core (DESIGN.md, STYLE.md §1).
// A dozen lines of import scanning instead of dependency-cruiser: we only need this one rule.
const ALLOWED: Record<string, readonly string[]> = {
  'packages/core': [],
  'packages/rag': ['@ragops/core'],
  'packages/evals': ['@ragops/core', '@ragops/rag'],
  'packages/monitoring': ['@ragops/core', '@ragops/rag', '@ragops/evals'],
  // LangChain interop: beside evals, over rag. No app imports it, so LangChain's types stay out of
  // the server's and the CLI's code (the apps' lists below do not name it).
  'packages/langchain': ['@ragops/core', '@ragops/rag'],
  'apps/server': ['@ragops/core', '@ragops/rag', '@ragops/evals', '@ragops/monitoring'],
  'apps/cli': ['@ragops/core', '@ragops/rag', '@ragops/evals', '@ragops/monitoring'],
};

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('package dependency direction', () => {
  // evals and monitoring are designed, not built yet: their rules apply once their folders exist.
  const existing = Object.entries(ALLOWED).filter(([pkg]) => existsSync(join(root, pkg, 'src')));

  it('checks the packages that exist', () => {
    expect(existing.map(([pkg]) => pkg)).toEqual(
      expect.arrayContaining(['packages/core', 'packages/rag', 'apps/server', 'apps/cli']),
    );
  });

  for (const [pkg, allowed] of existing) {
    it(`${pkg} imports only ${allowed.length ? allowed.join(', ') : 'no ragops package'}`, () => {
      const violations: string[] = [];
      const files = sourceFiles(join(root, pkg, 'src'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(
          /from\s+['"](@ragops\/[a-z-]+)[^'"]*['"]|import\(\s*['"](@ragops\/[a-z-]+)/g,
        )) {
          const target = match[1] ?? match[2];
          if (target && !allowed.includes(target)) violations.push(`${relative(root, file)} → ${target}`);
        }
        if (/from\s+['"](\.\.\/)+(apps|packages)\//.test(text))
          violations.push(`${relative(root, file)} reaches across packages by path`);
      }
      expect(violations).toEqual([]);
    });
  }
});
