/**
 * The inner loops of the resident vector scans as WebAssembly functions: the quantized column pass
 * of sparse-columns.ts (`columns`, `scatter`) and the float32 columns of dense-columns.ts (`floats`),
 * assembled here from their opcodes (no toolchain, no binary in the repository). Each adds
 * `w × value` of one column slice of a block into float32 dots (at `dotsPtr`, the block's row 0),
 * everything in one WebAssembly.Memory:
 *
 * - `columns`: int8 values of every row of the block (zeros included), 16 rows a step in float32x4
 *   lanes: 1 byte a row and dimension;
 * - `scatter`: int16 entries of the non-zero values only, low byte the row gap (from the previous
 *   entry, the first from row 0) and high byte the int8 value; a gap over 255 is written as filler
 *   entries (gap 255, value 0), so the loop has no branch but its own: 2 bytes a non-zero;
 * - `floats`: float32 values of every row, 8 rows a step (dense-columns.ts).
 *
 * Measured on this 2-core machine (load 1.4–3), 100k hash rows × 1024 dims (43% non-zero),
 * 60-dimension queries (2.6 M non-zeros, 6.1 M row-dimensions each), CPU per query: uint16 row ids +
 * float32 values (6 bytes a non-zero) 5.4 ms in a JavaScript loop and 4.7 ms in WebAssembly; uint16
 * rows + int8 values 2.8 ms; `scatter` 3.3 ms; `columns` 1.5 ms. `scatter` runs ~4 instructions a
 * non-zero and `columns` under 2 a row-dimension, so `columns` wins above ~20% density (and costs
 * less memory above 50%), `scatter` below.
 */

const vec = (items: number[][]) => [items.length, ...items.flat()]; // every count here is < 128
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const I32 = 0x7f;
const F32 = 0x7d;
// Opcodes (WebAssembly core spec, "Instructions"); a memory access is followed by align (log2) and offset.
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR_IF = 0x0d;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const I32_CONST = 0x41;
const I32_LOAD16_S = 0x2e;
const F32_LOAD = 0x2a;
const F32_STORE = 0x38;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const I32_ADD = 0x6a;
const I32_AND = 0x71;
const I32_SHL = 0x74;
const I32_SHR_S = 0x75;
const F32_ADD = 0x92;
const F32_MUL = 0x94;
const F32_CONVERT_I32_S = 0xb2;

/** scatter(ptr, end, w, dotsPtr): over the int16 entries at bytes [ptr, end). */
function scatterBody(): number[] {
  const [ptr, end, w, address, entry] = [0, 1, 2, 3, 4];
  // biome-ignore format: one instruction a line
  const body = [
    ...vec([[1, I32]]), // local 4: the entry
    ...BLOCK,
    GET, ptr, GET, end, I32_GE_U, BR_IF, 0,
    ...LOOP,
    GET, ptr, I32_LOAD16_S, 1, 0, SET, entry,
    // address += (entry & 255) << 2
    GET, address, GET, entry, I32_CONST, 0xff, 0x01, I32_AND, I32_CONST, 2, I32_SHL, I32_ADD, TEE, address,
    // *address += f32(entry >> 8) × w
    GET, address, F32_LOAD, 2, 0,
    GET, entry, I32_CONST, 8, I32_SHR_S, F32_CONVERT_I32_S, GET, w, F32_MUL, F32_ADD,
    F32_STORE, 2, 0,
    GET, ptr, I32_CONST, 2, I32_ADD, TEE, ptr,
    GET, end, I32_LT_U, BR_IF, 0,
    END,
    END,
    END,
  ];
  return body;
}

const V128 = 0x7b;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, 0x00];
const V128_STORE = [SIMD, 0x0b];
const F32X4_SPLAT = [SIMD, 0x13];
const I16X8_EXTEND_LOW_I8X16_S = [SIMD, 0x87, 0x01];
const I16X8_EXTEND_HIGH_I8X16_S = [SIMD, 0x88, 0x01];
const I32X4_EXTEND_LOW_I16X8_S = [SIMD, 0xa7, 0x01];
const I32X4_EXTEND_HIGH_I16X8_S = [SIMD, 0xa8, 0x01];
const F32X4_CONVERT_I32X4_S = [SIMD, 0xfa, 0x01];
const F32X4_ADD = [SIMD, 0xe4, 0x01];
const F32X4_MUL = [SIMD, 0xe6, 0x01];

/**
 * dots[offset … offset + 16 bytes) += weights × value, four float32 lanes: `value` leaves a v128 of
 * float32 on the stack; `dots` and `weights` are the function's locals holding the address and w × 4.
 */
function addScaled(value: number[], dots: number, weights: number, offset: number): number[] {
  // biome-ignore format: one instruction a line
  return [
    GET, dots,
    GET, dots, ...V128_LOAD, 4, offset,
    ...value,
    GET, weights, ...F32X4_MUL, ...F32X4_ADD,
    ...V128_STORE, 4, offset,
  ];
}

/** columns(ptr, end, w, dotsPtr): dots[i] += w × int8[ptr + i], 16 rows a step in float32x4 lanes. */
function columnsBody(): number[] {
  const [ptr, end, w, dots, weights, bytes, half] = [0, 1, 2, 3, 4, 5, 6];
  const quarter = (extend: number[], offset: number) =>
    addScaled([GET, half, ...extend, ...F32X4_CONVERT_I32X4_S], dots, weights, offset);
  // biome-ignore format: one instruction a line
  const body = [
    ...vec([[3, V128]]), // locals 4-6: w × 4, 16 int8 values, 8 of them as int16
    GET, w, ...F32X4_SPLAT, SET, weights,
    ...BLOCK,
    GET, ptr, GET, end, I32_GE_U, BR_IF, 0,
    ...LOOP,
    GET, ptr, ...V128_LOAD, 4, 0, SET, bytes,
    GET, bytes, ...I16X8_EXTEND_LOW_I8X16_S, SET, half,
    ...quarter(I32X4_EXTEND_LOW_I16X8_S, 0),
    ...quarter(I32X4_EXTEND_HIGH_I16X8_S, 16),
    GET, bytes, ...I16X8_EXTEND_HIGH_I8X16_S, SET, half,
    ...quarter(I32X4_EXTEND_LOW_I16X8_S, 32),
    ...quarter(I32X4_EXTEND_HIGH_I16X8_S, 48),
    GET, dots, I32_CONST, 0xc0, 0x00, I32_ADD, SET, dots,
    GET, ptr, I32_CONST, 16, I32_ADD, TEE, ptr,
    GET, end, I32_LT_U, BR_IF, 0,
    END,
    END,
    END,
  ];
  return body;
}

/**
 * floats(ptr, end, w, dotsPtr): dots[i] += w × f32[ptr + 4i], 8 rows a step in two float32x4 lanes
 * (the dense layout, dense-columns.ts: `end − ptr` a multiple of 32 bytes).
 */
function floatsBody(): number[] {
  const [ptr, end, w, dots, weights] = [0, 1, 2, 3, 4];
  const lane = (offset: number) => addScaled([GET, ptr, ...V128_LOAD, 4, offset], dots, weights, offset);
  // biome-ignore format: one instruction a line
  const body = [
    ...vec([[1, V128]]), // local 4: w × 4
    GET, w, ...F32X4_SPLAT, SET, weights,
    ...BLOCK,
    GET, ptr, GET, end, I32_GE_U, BR_IF, 0,
    ...LOOP,
    ...lane(0),
    ...lane(16),
    GET, dots, I32_CONST, 32, I32_ADD, SET, dots,
    GET, ptr, I32_CONST, 32, I32_ADD, TEE, ptr,
    GET, end, I32_LT_U, BR_IF, 0,
    END,
    END,
    END,
  ];
  return body;
}

/** One module: the three functions of type (i32 i32 f32 i32) → (), over an imported memory m.m. */
function kernelModule(): Uint8Array {
  const bodies = [scatterBody(), columnsBody(), floatsBody()];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [F32], [I32]]), 0]])),
    ...section(2, vec([[...name('m'), ...name('m'), 0x02, 0x00, 0x00]])), // memory, min 0 pages
    ...section(3, vec([[0], [0], [0]])),
    ...section(
      7,
      vec([
        [...name('scatter'), 0x00, 0],
        [...name('columns'), 0x00, 1],
        [...name('floats'), 0x00, 2],
      ]),
    ),
    ...section(10, vec(bodies.map((body) => [...leb(body.length), ...body]))),
  ]);
}

export type ColumnKernel = (ptr: number, end: number, w: number, dotsPtr: number) => void;

/** The few WebAssembly JS API members used (the project's TypeScript lib has no WebAssembly types). */
type WasmApi = {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;

/**
 * A WebAssembly memory of at least `bytes` (whole 64 KiB pages; it never grows, so views of `buffer`
 * stay valid) and both loops over it (the module is compiled once per process).
 */
export function kernelMemory(bytes: number): {
  buffer: ArrayBuffer;
  scatter: ColumnKernel;
  columns: ColumnKernel;
  floats: ColumnKernel;
} {
  compiled ??= new wasm.Module(kernelModule());
  const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
  const { exports } = new wasm.Instance(compiled, { m: { m: memory } });
  return {
    buffer: memory.buffer,
    scatter: exports.scatter as ColumnKernel,
    columns: exports.columns as ColumnKernel,
    floats: exports.floats as ColumnKernel,
  };
}
