// Tiny hand-written ONNX (protobuf) encoder: enough to build one-node models (LayerNormalization, MatMul) for
// onnxruntime-node, without a protobuf dependency. Field numbers from onnx/onnx.proto (IR version 8, opset 17).

type Field = Uint8Array;

function varint(v: bigint | number): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

const cat = (parts: (Field | number[])[]): Field => {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
const vInt = (field: number, v: bigint | number): Field => cat([tag(field, 0), varint(v)]);
const vBytes = (field: number, b: Field): Field => cat([tag(field, 2), varint(b.length), b]);
const vStr = (field: number, s: string): Field => vBytes(field, new TextEncoder().encode(s));
const vF32 = (field: number, f: number): Field => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, f, true);
  return cat([tag(field, 5), b]);
};

const FLOAT = 1;

/** ValueInfoProto for a float tensor of fixed shape. */
function valueInfo(name: string, shape: number[]): Field {
  const dims = cat(shape.map((d) => vBytes(1, vInt(1, d)))); // TensorShapeProto.dim { dim_value }
  const tensorType = cat([vInt(1, FLOAT), vBytes(2, dims)]); // TypeProto.Tensor { elem_type, shape }
  return cat([vStr(1, name), vBytes(2, vBytes(1, tensorType))]); // ValueInfoProto { name, type { tensor_type } }
}

type Attr = { name: string; int: number } | { name: string; float: number };

function attribute(a: Attr): Field {
  // AttributeProto { name = 1, f = 2, i = 3, type = 20 (FLOAT = 1, INT = 2) }
  return 'int' in a
    ? cat([vStr(1, a.name), vInt(3, a.int), vInt(20, 2)])
    : cat([vStr(1, a.name), vF32(2, a.float), vInt(20, 1)]);
}

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

/** A ModelProto with one graph of the given nodes, inputs and outputs (all float32, fixed shapes). */
export function onnxModel(
  nodes: OnnxNode[],
  inputs: [string, number[]][],
  outputs: [string, number[]][],
  opset = 17,
): Uint8Array {
  const nodeBytes = nodes.map((n, i) =>
    cat([
      ...n.inputs.map((s) => vStr(1, s)),
      ...n.outputs.map((s) => vStr(2, s)),
      vStr(3, `n${i}`),
      vStr(4, n.op),
      ...(n.attrs ?? []).map((a) => vBytes(5, attribute(a))),
    ]),
  );
  const graph = cat([
    ...nodeBytes.map((b) => vBytes(1, b)),
    vStr(2, 'g'),
    ...inputs.map(([n, s]) => vBytes(11, valueInfo(n, s))),
    ...outputs.map(([n, s]) => vBytes(12, valueInfo(n, s))),
  ]);
  const opsetId = cat([vStr(1, ''), vInt(2, opset)]);
  return cat([vInt(1, 8), vStr(2, 'stability-lens-bench'), vBytes(7, graph), vBytes(8, opsetId)]);
}
