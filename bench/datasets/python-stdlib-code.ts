/**
 * python-stdlib-code: code search built the way CodeSearchNet was (Husain et al. 2019): the query
 * is the first sentence of a function's docstring, the gold document is that function's source
 * with the docstring removed. Functions of CPython's standard library (Debian's
 * libpython3.11-stdlib; PSF License 2.0), tests, vendored and generated modules left out. Document
 * ids are `module:qualified.name` (no '/': the ragops indexer would add a path's words to the text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assemble, type ConvertedSet, type CorpusDocument } from './dataset-files.ts';

const LIB = 'usr/lib/python3.11';
const SKIP =
  /(^|\/)(test|tests|idlelib|lib2to3|site-packages|dist-packages|encodings|pydoc_data|ensurepip|__phello__)(\/|$)/;
/** `def name(...)` up to the colon that ends its signature, then a docstring. */
const DEF =
  /^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\((?:[^()]|\([^()]*\))*\)[^:\n]*:[ \t]*\n[ \t]*[rRuU]?("""|''')([\s\S]*?)\3[ \t]*\n/gm;
const MAX_CODE_CHARS = 4000;

function pythonFiles(dir: string, root: string, out: string[] = []): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (SKIP.test(relative(root, path))) continue;
    if (entry.isDirectory()) pythonFiles(path, root, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(path);
  }
  return out;
}

/** The first sentence of a docstring, on one line. */
function summary(doc: string): string {
  const paragraph = doc.trim().split(/\n\s*\n/)[0] ?? '';
  const flat = paragraph.replace(/\s+/g, ' ').trim();
  const end = flat.search(/\.(\s|$)/);
  return end > 0 ? flat.slice(0, end + 1) : flat;
}

/** The function's lines: from its `def` to the next line indented no deeper than it. */
function functionSource(source: string, start: number, indent: string): string {
  const lines = source.slice(start).split('\n');
  const body = [lines[0]!];
  for (const line of lines.slice(1)) {
    if (line.trim() !== '' && !line.startsWith(`${indent} `) && !line.startsWith(`${indent}\t`)) break;
    body.push(line);
  }
  return body.join('\n').trimEnd();
}

export function convertPythonStdlibCode(root: string): ConvertedSet {
  const lib = join(root, LIB);
  const pairs: { question: string; doc: CorpusDocument }[] = [];
  for (const file of pythonFiles(lib, lib)) {
    const module = relative(lib, file)
      .replace(/\.py$/, '')
      .replace(/\/__init__$/, '')
      .replaceAll('/', '.');
    const source = readFileSync(file, 'utf8');
    const seen = new Map<string, number>();
    for (const m of source.matchAll(DEF)) {
      const [whole, indent = '', name = '', , doc = ''] = m;
      const question = summary(doc);
      if (name.startsWith('_') || question.split(' ').length < 5) continue;
      const code = functionSource(source, m.index, indent).replace(whole.slice(whole.indexOf(':\n') + 2), '\n');
      if (code.length > MAX_CODE_CHARS) continue;
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      const id = `${module}:${name}${n > 1 ? `~${n}` : ''}`;
      pairs.push({ question, doc: { id, text: code } });
    }
  }
  return assemble(pairs, { questionCount: 300, corpusSize: 4000 });
}
