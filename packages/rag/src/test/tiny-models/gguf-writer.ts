import { writeFile } from 'node:fs/promises';

// A minimal GGUF v3 writer (github.com/ggml-org/ggml docs/gguf.md): header, typed metadata,
// tensor infos, 32-byte aligned F32 tensor data. Hand-rolled because no npm package writes GGUF
// (the readers, `@huggingface/gguf` and node-llama-cpp's, only read), and a test model needs these
// ~80 lines only.

export type GgufValue =
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string'; value: string }
  | { type: 'string[]'; value: readonly string[] }
  | { type: 'f32[]'; value: readonly number[] }
  | { type: 'i32[]'; value: readonly number[] };

/** A tensor as ggml orders its shape: `dims[0]` is the length of a row (the fastest-moving axis). */
export type GgufTensor = { name: string; dims: readonly number[]; data: Float32Array };

const ALIGNMENT = 32;
const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_TYPE_F32 = 0;

class ByteWriter {
  readonly #chunks: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.#chunks.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const rest = this.length % ALIGNMENT;
    if (rest !== 0) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

function writeValue(w: ByteWriter, v: GgufValue): void {
  const array = (elemType: number, count: number) => {
    w.u32(TYPE.array);
    w.u32(elemType);
    w.u64(count);
  };
  switch (v.type) {
    case 'u32':
      w.u32(TYPE.u32);
      w.u32(v.value);
      return;
    case 'i32':
      w.u32(TYPE.i32);
      w.i32(v.value);
      return;
    case 'f32':
      w.u32(TYPE.f32);
      w.f32(v.value);
      return;
    case 'bool':
      w.u32(TYPE.bool);
      w.push(Buffer.from([v.value ? 1 : 0]));
      return;
    case 'string':
      w.u32(TYPE.string);
      w.string(v.value);
      return;
    case 'string[]':
      array(TYPE.string, v.value.length);
      for (const s of v.value) w.string(s);
      return;
    case 'f32[]':
      array(TYPE.f32, v.value.length);
      for (const x of v.value) w.f32(x);
      return;
    case 'i32[]':
      array(TYPE.i32, v.value.length);
      for (const x of v.value) w.i32(x);
      return;
  }
}

/** Writes a GGUF file of F32 tensors. */
export async function writeGguf(
  path: string,
  metadata: Readonly<Record<string, GgufValue>>,
  tensors: readonly GgufTensor[],
): Promise<void> {
  const w = new ByteWriter();
  w.push(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    w.string(key);
    writeValue(w, value);
  }
  let offset = 0;
  for (const t of tensors) {
    if (t.data.length !== t.dims.reduce((a, b) => a * b, 1))
      throw new Error(`tensor ${t.name}: data does not fit its dims`);
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(GGML_TYPE_F32);
    w.u64(offset);
    offset += Math.ceil(t.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const t of tensors) {
    w.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.pad();
  }
  await writeFile(path, w.bytes());
}
