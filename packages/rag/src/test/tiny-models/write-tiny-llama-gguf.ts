import { type GgufTensor, type GgufValue, writeGguf } from './gguf-writer.ts';
import { randomWeights, seededRandom } from './seeded-random.ts';

// A llama-architecture GGUF that llama.cpp loads and runs: 1 layer, 64-wide, 4 heads, random
// weights, and a real SentencePiece-style vocabulary (control tokens, every printable ASCII piece,
// a few merged pieces with scores, 256 byte-fallback tokens) with a ChatML template. It tests
// loading, tokenizing, streaming and grammar-forced output, not answers: its text is noise.

const EMBED = 64;
const HEADS = 4;
const FF = 128;
const CONTEXT = 512;
const MERGED = ['▁t', '▁th', '▁the', '▁a', '▁i', '▁is', 'in', '▁in', 'er', 'on', 'es', '▁o', '▁of'];

/** Token types of tokenizer.ggml.token_type (llama.cpp's llama_token_type). */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

export type TinyLlamaGguf = { path: string; vocabSize: number };

/** Writes a tiny llama GGUF to `path` (~0.2 MB). */
export async function writeTinyLlamaGguf(path: string, options: { seed?: number } = {}): Promise<TinyLlamaGguf> {
  const tokens: string[] = ['<unk>', '<s>', '</s>', '<|im_start|>', '<|im_end|>'];
  const types: number[] = [UNKNOWN, CONTROL, CONTROL, CONTROL, CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(BYTE);
  }
  const pieces = ['▁', ...Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)), ...MERGED];
  for (const p of pieces) {
    tokens.push(p);
    types.push(NORMAL);
  }
  // SentencePiece merges the highest-scoring pair first: longer pieces score higher.
  const scores = tokens.map((t, i) => (types[i] === NORMAL ? t.length * 10 - i / 1000 : 0));
  const random = seededRandom(options.seed ?? 3);
  const n = tokens.length;
  const w = (name: string, dims: number[], scale = 0.05): GgufTensor => ({
    name,
    dims,
    data: randomWeights(
      random,
      dims.reduce((a, b) => a * b, 1),
      scale,
    ),
  });
  const ones = (name: string): GgufTensor => ({ name, dims: [EMBED], data: new Float32Array(EMBED).fill(1) });
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: 'llama' },
    'general.name': { type: 'string', value: 'ragops-tiny-llama' },
    'general.alignment': { type: 'u32', value: 32 },
    'general.file_type': { type: 'u32', value: 0 },
    'llama.context_length': { type: 'u32', value: CONTEXT },
    'llama.embedding_length': { type: 'u32', value: EMBED },
    'llama.block_count': { type: 'u32', value: 1 },
    'llama.feed_forward_length': { type: 'u32', value: FF },
    'llama.attention.head_count': { type: 'u32', value: HEADS },
    'llama.attention.head_count_kv': { type: 'u32', value: HEADS },
    'llama.rope.dimension_count': { type: 'u32', value: EMBED / HEADS },
    'llama.rope.freq_base': { type: 'f32', value: 10_000 },
    'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
    'llama.vocab_size': { type: 'u32', value: n },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: tokens },
    'tokenizer.ggml.scores': { type: 'f32[]', value: scores },
    'tokenizer.ggml.token_type': { type: 'i32[]', value: types },
    'tokenizer.ggml.unknown_token_id': { type: 'u32', value: 0 },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: 4 },
    'tokenizer.ggml.add_bos_token': { type: 'bool', value: true },
    'tokenizer.ggml.add_eos_token': { type: 'bool', value: false },
    'tokenizer.chat_template': {
      type: 'string',
      value:
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    },
  };
  await writeGguf(path, metadata, [
    w('token_embd.weight', [EMBED, n]),
    ones('output_norm.weight'),
    w('output.weight', [EMBED, n]),
    ones('blk.0.attn_norm.weight'),
    w('blk.0.attn_q.weight', [EMBED, EMBED]),
    w('blk.0.attn_k.weight', [EMBED, EMBED]),
    w('blk.0.attn_v.weight', [EMBED, EMBED]),
    w('blk.0.attn_output.weight', [EMBED, EMBED]),
    ones('blk.0.ffn_norm.weight'),
    w('blk.0.ffn_gate.weight', [EMBED, FF]),
    w('blk.0.ffn_up.weight', [EMBED, FF]),
    w('blk.0.ffn_down.weight', [FF, EMBED]),
  ]);
  return { path, vocabSize: n };
}
