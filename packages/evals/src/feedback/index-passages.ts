import { indexReadDenial, type MetadataStore, NotFoundError, type Principal } from '@ragops/core';
import { getChunks, MAX_CHUNK_IDS } from '@ragops/rag';
import type { PassageLookup } from './review-item.ts';

/**
 * Passage texts from the pinned index versions under `home`, as `actor` may see them: READ on the
 * index (its schema) first — an item's model may be readable while its index is not, and then its
 * passages keep their ids without texts. An index version that is gone (deleted folder, cleaned-up
 * version) also leaves ids only. Reads in slices of MAX_CHUNK_IDS. The one lookup of the console
 * pages and `ragops feedback export`.
 * @example const items = await reviewQueue(ctx, query, { passages: indexPassageLookup({ ...ctx, home }) })
 */
export function indexPassageLookup(options: { store: MetadataStore; actor: Principal; home: string }): PassageLookup {
  return async (index, chunkIds) => {
    const texts = new Map<string, string>();
    if (await indexReadDenial({ store: options.store, actor: options.actor, index: index.name })) return texts;
    for (let i = 0; i < chunkIds.length; i += MAX_CHUNK_IDS) {
      try {
        const slice = chunkIds.slice(i, i + MAX_CHUNK_IDS);
        for (const [id, hit] of await getChunks({ home: options.home, index, chunkIds: slice }))
          texts.set(id, hit.text);
      } catch (error) {
        if (NotFoundError.isInstance(error)) return texts;
        throw error;
      }
    }
    return texts;
  };
}
