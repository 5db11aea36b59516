import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@ragops/core';

/** ONNX weight variants as @huggingface/transformers names them: `onnx/model${suffix}.onnx`. */
export const TRANSFORMERS_DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4'] as const;
export type TransformersDtype = (typeof TRANSFORMERS_DTYPES)[number];
const SUFFIX: Record<TransformersDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
};

/** The files a load reads (so the hash covers exactly what produces the vectors, not other variants). */
export function modelFiles(dtype: TransformersDtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/model${SUFFIX[dtype]}.onnx`];
}

// Keyed by path, size and mtime: a build hashes the folder once to record it and the embedder again
// when it loads; all-MiniLM-L6-v2's 90 MB model.onnx takes ~0.2 s to hash.
const cache = new Map<string, string>();

/**
 * sha256 over the model files a load reads (name and content of each, in a fixed order): the
 * identity an index records, so a query through a changed model folder is refused. ConfigError
 * naming the missing file when the folder is not a model folder.
 */
export async function modelFolderHash(folder: string, dtype: TransformersDtype): Promise<string> {
  const files = modelFiles(dtype);
  // allSettled, not all: the message names every missing file, in this order, whichever stat fails first.
  const settled = await Promise.allSettled(files.map((f) => stat(join(folder, f))));
  const missing = files.filter((_, i) => settled[i]!.status === 'rejected');
  if (missing.length > 0) {
    const first = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult;
    throw new ConfigError(
      `The transformers embedder's model folder ${folder} has no ${missing.join(', ')}: point path at a folder holding config.json, tokenizer.json, tokenizer_config.json and onnx/ (dtype ${dtype} reads ${files[3]}).`,
      { cause: first.reason },
    );
  }
  const stats = settled.map((s) => (s as PromiseFulfilledResult<Awaited<ReturnType<typeof stat>>>).value);
  const key = `${folder}\0${dtype}\0${stats.map((s) => `${s.size}:${s.mtimeMs}`).join(',')}`;
  const known = cache.get(key);
  if (known) return known;
  const hash = createHash('sha256');
  for (const f of files) {
    hash.update(`${f}\0`);
    for await (const chunk of createReadStream(join(folder, f))) hash.update(chunk as Buffer);
    hash.update('\0');
  }
  const digest = hash.digest('hex');
  cache.set(key, digest);
  return digest;
}
