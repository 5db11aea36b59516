/**
 * python-faq: the questions of the Python FAQ (faq/*.rst, written by people, ~200) against their
 * answers, among the sections of the tutorial, HOWTOs and FAQ of the same documentation (Debian's
 * python3.11-doc, which ships the reStructuredText sources; PSF License 2.0). A question's heading
 * is removed from its answer, so a system must match the answer's words, not the question's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConvertedSet, type CorpusDocument, sample } from './dataset-files.ts';

const SOURCES = 'usr/share/doc/python3.11/html/_sources';
/** A heading: a line of text underlined by a line of one repeated punctuation character. */
const UNDERLINE = /^([=\-~^"*+#])\1{2,}\s*$/;

type Section = { heading: string; body: string };

function sections(rst: string): Section[] {
  const lines = rst.split('\n');
  const out: Section[] = [];
  let current: Section | undefined;
  for (let i = 0; i < lines.length; i++) {
    const next = lines[i + 1] ?? '';
    const line = lines[i]!;
    if (
      line.trim() !== '' &&
      !UNDERLINE.test(line) &&
      UNDERLINE.test(next) &&
      next.trim().length >= line.trim().length
    ) {
      current = { heading: line.trim(), body: '' };
      out.push(current);
      i++;
      continue;
    }
    if (current && !UNDERLINE.test(line)) current.body += `${line}\n`;
  }
  return out.filter((s) => s.body.trim().length >= 80);
}

export function convertPythonFaq(root: string): ConvertedSet {
  const base = join(root, SOURCES);
  const corpus: CorpusDocument[] = [];
  const questions: ConvertedSet['questions'] = [];
  for (const folder of ['faq', 'tutorial', 'howto']) {
    for (const file of readdirSync(join(base, folder))
      .filter((f) => f.endsWith('.rst.txt'))
      .sort()) {
      const page = file.replace(/\.rst\.txt$/, '');
      sections(readFileSync(join(base, folder, file), 'utf8')).forEach((s, i) => {
        const id = `${folder}-${page}-${i + 1}`;
        const isQuestion = folder === 'faq' && s.heading.endsWith('?');
        // Distractor sections keep their heading as the title; an answer has none (it would be the question).
        corpus.push({ id, ...(!isQuestion && { title: s.heading }), text: s.body.trim() });
        if (isQuestion) questions.push({ id: `q-${id}`, question: s.heading, reference_doc_ids: [id] });
      });
    }
  }
  return { corpus, questions: sample(questions, questions.length) };
}
