import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProtoMessage } from './protobuf-writer.ts';
import { randomWeights, seededRandom } from './seeded-random.ts';

// A BERT-shaped sentence-embedding model folder as @huggingface/transformers loads it (config.json,
// tokenizer.json, tokenizer_config.json, onnx/model.onnx) with a real WordPiece tokenizer and random
// weights: last_hidden_state = Gather(embedding table, input_ids). Enough to test loading,
// tokenizing, batching, mask-aware mean pooling and normalisation; says nothing about quality.

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
const WORDS = [
  'the',
  'a',
  'of',
  'to',
  'and',
  'is',
  'in',
  'how',
  'do',
  'i',
  'what',
  'index',
  'rotate',
  'key',
  'keys',
  'api',
  'model',
  'search',
  'vector',
  'query',
  'chunk',
  'embed',
  '##s',
  '##ing',
  '##ed',
  '##er',
  '.',
  ',',
  '?',
  '!',
];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];

export type TinySentenceModel = {
  /** The model folder. */
  path: string;
  dimensions: number;
  /** WordPiece vocabulary, token → id. */
  vocab: ReadonlyMap<string, number>;
  /** Row `id` of the embedding table: the hidden state the model emits for that token. */
  embeddingOf(id: number): Float32Array;
};

/** Writes a tiny sentence-embedding model folder into `dir` (created if missing). */
export async function writeTinySentenceModel(
  dir: string,
  options: { dimensions?: number; seed?: number; maxLength?: number } = {},
): Promise<TinySentenceModel> {
  const dimensions = options.dimensions ?? 16;
  const tokens = [...SPECIAL, ...WORDS, ...LETTERS, ...LETTERS.map((l) => `##${l}`)];
  const vocab = new Map(tokens.map((t, i) => [t, i] as const));
  const table = randomWeights(seededRandom(options.seed ?? 7), tokens.length * dimensions, 1);
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'onnx', 'model.onnx'), onnxGatherModel(table, tokens.length, dimensions));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(wordPieceTokenizer(vocab)));
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: options.maxLength ?? 32,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: dimensions,
      vocab_size: tokens.length,
    }),
  );
  return {
    path: dir,
    dimensions,
    vocab,
    embeddingOf: (id) => table.slice(id * dimensions, (id + 1) * dimensions),
  };
}

function wordPieceTokenizer(vocab: ReadonlyMap<string, number>) {
  const special = (t: string) => ({ id: t, type_id: 0 });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content) => ({
      id: vocab.get(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
      ],
      pair: [
        { SpecialToken: special('[CLS]') },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: special('[SEP]') },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocab.get(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

// ONNX field numbers (onnx.proto): ModelProto ir_version 1, producer_name 2, graph 7, opset_import 8;
// GraphProto node 1, name 2, initializer 5, input 11, output 12; NodeProto input 1, output 2, name 3,
// op_type 4; TensorProto dims 1, data_type 2 (FLOAT = 1, INT64 = 7), name 8, raw_data 9;
// ValueInfoProto name 1, type 2; TypeProto tensor_type 1; Tensor elem_type 1, shape 2; dim 1;
// Dimension dim_value 1, dim_param 2.
function onnxGatherModel(table: Float32Array, vocabSize: number, dimensions: number): Uint8Array {
  const valueInfo = (name: string, elemType: number, dims: readonly (string | number)[]) => {
    const shape = new ProtoMessage();
    for (const d of dims)
      shape.message(1, typeof d === 'string' ? new ProtoMessage().string(2, d) : new ProtoMessage().int(1, d));
    const tensorType = new ProtoMessage().int(1, elemType).message(2, shape);
    return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
  };
  const initializer = new ProtoMessage()
    .packedInts(1, [vocabSize, dimensions])
    .int(2, 1)
    .string(8, 'embeddings')
    .bytes(9, new Uint8Array(table.buffer, table.byteOffset, table.byteLength));
  const gather = new ProtoMessage()
    .string(1, 'embeddings')
    .string(1, 'input_ids')
    .string(2, 'last_hidden_state')
    .string(3, 'gather')
    .string(4, 'Gather');
  const graph = new ProtoMessage()
    .message(1, gather)
    .string(2, 'tiny-sentence-model')
    .message(5, initializer)
    .message(11, valueInfo('input_ids', 7, ['batch', 'sequence']))
    .message(11, valueInfo('attention_mask', 7, ['batch', 'sequence']))
    .message(12, valueInfo('last_hidden_state', 1, ['batch', 'sequence', dimensions]));
  return new ProtoMessage()
    .int(1, 8)
    .string(2, 'ragops-test')
    .message(7, graph)
    .message(8, new ProtoMessage().string(1, '').int(2, 17))
    .encode();
}
