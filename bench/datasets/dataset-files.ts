/**
 * The shape every converted set is written in (the one of shared/datasets and bench/retrieval.ts):
 * `corpus.jsonl` with {id, title?, text} and `questions.jsonl` with {id, question, reference_doc_ids}
 * (the qrels, inline: every gold id is in the corpus). Written to a temp file and renamed, so a
 * half-converted set never looks complete.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seededRandom } from '@ragops/evals';

/**
 * Where the downloaded packages (pkgs/), their unpacked files (src/) and the converted sets (sets/)
 * live: `.cache/ragops-bench` next to the repo's folder (/work/.cache/ragops-bench for /work/main), outside it.
 */
export const DEFAULT_CACHE = resolve(import.meta.dirname, '..', '..', '..', '.cache', 'ragops-bench');

export type CorpusDocument = { id: string; title?: string; text: string };
export type GoldQuestion = { id: string; question: string; reference_doc_ids: string[] };
export type ConvertedSet = { corpus: CorpusDocument[]; questions: GoldQuestion[] };

/** Fixed so that every conversion of the same package gives the same set. */
const SEED = 20_261_202;

/** A deterministic sample of `n` items (all of them, shuffled, when there are fewer). */
export function sample<T>(items: readonly T[], n: number, salt = 0): T[] {
  const random = seededRandom(SEED + salt);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.slice(0, n);
}

/**
 * A corpus of `corpusSize` documents that holds the gold document of every one of `questionCount`
 * questions, the rest distractors drawn from the same pool. `pairs` map a question to its one gold
 * document; questions whose text occurs more than once are dropped (they have no single answer).
 */
export function assemble(
  pairs: readonly { question: string; doc: CorpusDocument }[],
  options: { questionCount: number; corpusSize: number },
): ConvertedSet {
  const counts = new Map<string, number>();
  for (const p of pairs) counts.set(p.question.toLowerCase(), (counts.get(p.question.toLowerCase()) ?? 0) + 1);
  const unique = pairs.filter((p) => counts.get(p.question.toLowerCase()) === 1);
  const asked = sample(unique, options.questionCount, 1);
  const askedIds = new Set(asked.map((p) => p.doc.id));
  const distractors = sample(
    pairs.filter((p) => !askedIds.has(p.doc.id)),
    Math.max(0, options.corpusSize - asked.length),
    2,
  );
  const byId = new Map<string, CorpusDocument>();
  for (const p of [...asked, ...distractors]) byId.set(p.doc.id, p.doc);
  return {
    corpus: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)),
    questions: asked.map((p, i) => ({ id: `q${i + 1}`, question: p.question, reference_doc_ids: [p.doc.id] })),
  };
}

export function writeSet(dir: string, set: ConvertedSet): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, rows: readonly object[]) => {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, join(dir, name));
  };
  write('corpus.jsonl', set.corpus);
  write('questions.jsonl', set.questions);
}
