/**
 * The sets bench:retrieval runs on: the repo's sample (docs/ + evals/docs-qa.jsonl), the
 * development set in ../shared/datasets/anthropic-docs when present, and every set converted by
 * bench/datasets/convert.ts into <cache>/sets/ (never shipped, never needed by tests).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError, parseInput } from '@ragops/core';
import { loadSource } from '@ragops/rag';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '..', '..');

const corpusLineSchema = z.object({ id: z.string().min(1), title: z.string().optional(), text: z.string() });
export type CorpusDocument = z.infer<typeof corpusLineSchema>;
const questionLineSchema = z.object({
  id: z.string().min(1).optional(),
  question: z.string().min(1),
  reference_doc_ids: z.array(z.string().min(1)).min(1),
});
export type Question = z.infer<typeof questionLineSchema>;

export type SetLocation = { name: string; corpusPath: string; questionsPath: string };
export type LoadedSet = SetLocation & { docs: CorpusDocument[]; questions: Question[]; unknownGold: number };

export function readJsonl<S extends z.ZodType>(
  path: string,
  schema: S,
  what: string,
  keep: (value: unknown) => boolean = () => true,
): z.output<S>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${what} file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const rows: z.output<S>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidInputError(`${path}:${i + 1}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (keep(value)) rows.push(parseInput(schema, value, `${path}:${i + 1}`));
  });
  if (rows.length === 0) throw new InvalidInputError(`${what} file ${path} has no rows`);
  return rows;
}

/** The repo's sample holds unanswerable questions too (no reference_doc_ids): nothing to retrieve for them. */
export const SAMPLE: SetLocation = {
  name: 'repo-sample',
  corpusPath: join(ROOT, 'docs'),
  questionsPath: join(ROOT, 'evals', 'docs-qa.jsonl'),
};

/** Every set present: the sample, anthropic-docs, then <cache>/sets/* in name order. */
export function discoverSets(cache: string): SetLocation[] {
  const sets = [SAMPLE];
  const dev = resolve(ROOT, '..', 'shared', 'datasets', 'anthropic-docs');
  if (existsSync(join(dev, 'questions.jsonl'))) {
    sets.push({
      name: 'anthropic-docs',
      corpusPath: join(dev, 'corpus.jsonl'),
      questionsPath: join(dev, 'questions.jsonl'),
    });
  }
  const converted = join(cache, 'sets');
  if (existsSync(converted)) {
    for (const name of readdirSync(converted).sort()) {
      const dir = join(converted, name);
      if (existsSync(join(dir, 'questions.jsonl')))
        sets.push({ name, corpusPath: join(dir, 'corpus.jsonl'), questionsPath: join(dir, 'questions.jsonl') });
    }
  }
  return sets;
}

/** A .jsonl corpus, or a folder read by the index's loader (document ids are paths in the folder). */
export async function loadSet(location: SetLocation): Promise<LoadedSet> {
  const { corpusPath, questionsPath } = location;
  let docs: CorpusDocument[];
  if (existsSync(corpusPath) && statSync(corpusPath).isDirectory()) {
    const loaded = await loadSource({ path: corpusPath });
    docs = loaded.documents.map((d) => ({ id: d.id, ...(d.title !== undefined && { title: d.title }), text: d.text }));
  } else {
    docs = readJsonl(corpusPath, corpusLineSchema, 'corpus');
  }
  const isSample = location === SAMPLE;
  const hasGold = (v: unknown) => !isSample || (v as { reference_doc_ids?: unknown }).reference_doc_ids !== undefined;
  const questions: Question[] = readJsonl(questionsPath, questionLineSchema, 'questions', hasGold);
  const ids = new Set(docs.map((d) => d.id));
  const unknownGold = questions.filter((q) => q.reference_doc_ids.some((id) => !ids.has(id))).length;
  return { ...location, docs, questions, unknownGold };
}
