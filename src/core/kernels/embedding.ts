/** Embedding lookup (forward) and scatter-add of the gradient into the table (backward). */
export interface EmbeddingParams {
  /** rows of the table (vocabulary). */
  vocab: number;
  dim: number;
}

export function embeddingForward(ids: Int32Array, table: Float32Array, p: EmbeddingParams, out?: Float32Array): Float32Array {
  const { vocab, dim } = p;
  const y = out ?? new Float32Array(ids.length * dim);
  for (let t = 0; t < ids.length; t++) {
    const id = ids[t];
    if (id < 0 || id >= vocab) throw new RangeError(`embedding: id ${id} outside [0, ${vocab})`);
    y.set(table.subarray(id * dim, id * dim + dim), t * dim);
  }
  return y;
}

export function embeddingBackward(ids: Int32Array, dy: Float32Array, p: EmbeddingParams, out?: Float32Array): Float32Array {
  const { vocab, dim } = p;
  const dTable = out ?? new Float32Array(vocab * dim);
  if (out) dTable.fill(0);
  for (let t = 0; t < ids.length; t++) {
    const off = ids[t] * dim;
    const src = t * dim;
    for (let c = 0; c < dim; c++) dTable[off + c] += dy[src + c];
  }
  return dTable;
}
