// Hand-rolled rather than protobufjs + onnx.proto: writing the dozen ONNX fields a one-Gather graph
// needs is ~50 lines, against a new dependency and a vendored 800-line .proto file for test fixtures.
// Only what ONNX uses: varints (wire type 0), length-delimited bytes (2) and 32-bit floats (5).

/** One encoded protobuf field or message: a list of byte chunks, concatenated on `bytes()`. */
export class ProtoMessage {
  readonly #chunks: Uint8Array[] = [];

  /** A varint field (int32, int64, enum). */
  int(field: number, value: number | bigint): this {
    this.#tag(field, 0);
    this.#chunks.push(varint(BigInt(value)));
    return this;
  }

  /** A 32-bit float field (wire type 5). */
  float(field: number, value: number): this {
    this.#tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#chunks.push(b);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A length-delimited bytes field (raw tensor data, packed arrays). */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, 2);
    this.#chunks.push(varint(BigInt(value.length)), value);
    return this;
  }

  /** An embedded message field. */
  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.encode());
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    return this.bytes(field, concat(values.map((v) => varint(BigInt(v)))));
  }

  encode(): Uint8Array {
    return concat(this.#chunks);
  }

  #tag(field: number, wireType: number): void {
    this.#chunks.push(varint(BigInt((field << 3) | wireType)));
  }
}

function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  // A negative int64 (an `axis: -1` attribute) is its 64-bit two's complement: ten bytes.
  let v = value < 0n ? value + (1n << 64n) : value;
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
