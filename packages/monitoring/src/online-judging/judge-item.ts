import type { StoredInferenceRow } from '@ragops/core';
import type { JudgeItem, PassageLookup } from '@ragops/evals';
import { getChunks, MAX_CHUNK_IDS } from '@ragops/rag';

/**
 * The judge item of an answered request: its last user message, the answer, and the retrieved
 * passages' texts from the index version that answered (numbered in retrieval order, as the answer
 * cites them). Undefined when the row lacks what a judge needs (messages not logged, no answer).
 */
export async function judgeItemOf(
  row: StoredInferenceRow,
  passages: PassageLookup | undefined,
): Promise<JudgeItem | undefined> {
  const question = row.requestMessages?.filter((m) => m.role === 'user').at(-1)?.content;
  if (!question || row.answer === null) return undefined;
  const retrieved = row.retrieved ?? [];
  const texts =
    passages && row.indexName !== null && row.indexVersion !== null && retrieved.length > 0
      ? await passages(
          { name: row.indexName, version: row.indexVersion },
          retrieved.map((r) => r.chunkId),
        )
      : new Map<string, string>();
  return {
    question,
    answer: row.answer,
    contexts: retrieved.map((r, i) => ({
      n: i + 1,
      documentId: r.documentId,
      chunkId: r.chunkId,
      text: texts.get(r.chunkId) ?? '',
    })),
  };
}

/**
 * Passage texts from the pinned index versions under RAGOPS_HOME (`getChunks`, read-only, not
 * resident). Grants are not checked: the judging worker is a service reading what was served.
 */
export function indexPassages(home: string): PassageLookup {
  return async (index, chunkIds) => {
    const texts = new Map<string, string>();
    for (let i = 0; i < chunkIds.length; i += MAX_CHUNK_IDS) {
      const chunks = await getChunks({ home, index, chunkIds: chunkIds.slice(i, i + MAX_CHUNK_IDS) });
      for (const [id, hit] of chunks) texts.set(id, hit.text);
    }
    return texts;
  };
}
