// The quickstart prints every command it runs; pasted into a shell, each must be the argv that ran
// (questions with spaces and `?`, URIs with `@`, quotes), with --json shown where it was passed.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../scripts/shell-command.ts';

const ARGVS = [
  ['npx', 'ragops', 'index', 'query', 'dev.quickstart.docs', 'How are index rebuilds made incremental?', '--k', '3'],
  ['npx', 'ragops', 'models', 'alias', 'set', 'dev.q.m', 'champion', '1', '--reason', "it's the first; $HOME *"],
  ['npx', 'ragops', '--json', 'models', 'lineage', 'models:/dev.quickstart.docs_qa@champion'],
  ['printf', '', 'tab\there', 'new\nline', '!history', '`cmd`', '"double"'],
];

describe('shellCommand', () => {
  it('prints commands a POSIX shell splits back into exactly the argv that ran', () => {
    for (const argv of ARGVS) {
      const line = shellCommand(argv);
      // sh parses the printed line; printf prints each word it got, NUL-separated.
      const words = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
      expect(words, line).toEqual(argv);
    }
    expect(shellQuote('models:/dev.a.b@champion=100')).toBe('models:/dev.a.b@champion=100'); // plain stays plain
  });

  it('is how the quickstart prints what it runs (no hand-written command lines)', async () => {
    const source = await readFile(join(import.meta.dirname, '../scripts/quickstart.ts'), 'utf8');
    expect(source).toContain("shellCommand(['npx', 'ragops', ...args])");
    expect(source).not.toMatch(/`\$ npx ragops \$\{/);
    // --json is passed (and so shown) only through ragopsJson, which prints a summary, not the JSON.
    expect(source).not.toMatch(/'--json'\]/);
  });
});
