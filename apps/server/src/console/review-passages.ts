import { indexReadDenial, NotFoundError, type Principal } from '@ragops/core';
import type { PassageLookup } from '@ragops/evals';
import { getChunks, MAX_CHUNK_IDS } from '@ragops/rag';
import type { AppContext } from '../app-context.ts';

/**
 * Passage texts for a review page as `actor` sees them: READ on the index (its schema) first — an
 * item's model may be readable while its index is not, and then the page shows ids without texts.
 * An index version that is gone (deleted folder, cleaned-up version) also shows ids only.
 */
export function passageLookup(ctx: AppContext, actor: Principal): PassageLookup {
  return async (index, chunkIds) => {
    const texts = new Map<string, string>();
    if (await indexReadDenial({ store: ctx.store, actor, index: index.name })) return texts;
    for (let i = 0; i < chunkIds.length; i += MAX_CHUNK_IDS) {
      try {
        const hits = await getChunks({ home: ctx.config.home, index, chunkIds: chunkIds.slice(i, i + MAX_CHUNK_IDS) });
        for (const [id, hit] of hits) texts.set(id, hit.text);
      } catch (error) {
        if (NotFoundError.isInstance(error)) return texts;
        throw error;
      }
    }
    return texts;
  };
}
