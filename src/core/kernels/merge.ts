/**
 * Merge layers of tfjs (Add, Average, Multiply, Maximum, Minimum, Concatenate over the last axis), forward and
 * backward. Element-wise merges take inputs of equal length; concatenate takes rows x cols_i inputs.
 */

export type ElementwiseMerge = 'add' | 'average' | 'multiply' | 'maximum' | 'minimum';

export function mergeForward(kind: ElementwiseMerge, inputs: readonly Float32Array[], out?: Float32Array): Float32Array {
  const n = inputs[0].length;
  const k = inputs.length;
  for (const x of inputs) if (x.length !== n) throw new RangeError('merge: inputs differ in length');
  const y = out ?? new Float32Array(n);
  if (kind === 'add' || kind === 'average') {
    const scale = kind === 'average' ? 1 / k : 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += inputs[j][i];
      y[i] = s * scale;
    }
  } else if (kind === 'multiply') {
    for (let i = 0; i < n; i++) {
      let s = 1;
      for (let j = 0; j < k; j++) s *= inputs[j][i];
      y[i] = s;
    }
  } else {
    const isMax = kind === 'maximum';
    for (let i = 0; i < n; i++) {
      let s = inputs[0][i];
      for (let j = 1; j < k; j++) {
        const v = inputs[j][i];
        if (isMax ? v > s : v < s) s = v;
      }
      y[i] = s;
    }
  }
  return y;
}

/** Gradients for each input. maximum/minimum route the gradient to the first input holding the extreme. */
export function mergeBackward(kind: ElementwiseMerge, inputs: readonly Float32Array[], dy: Float32Array, out?: Float32Array[]): Float32Array[] {
  const n = dy.length;
  const k = inputs.length;
  const dx = inputs.map((_, j) => out?.[j] ?? new Float32Array(n));
  if (kind === 'add' || kind === 'average') {
    const scale = kind === 'average' ? 1 / k : 1;
    for (let j = 0; j < k; j++) {
      const d = dx[j];
      for (let i = 0; i < n; i++) d[i] = dy[i] * scale;
    }
  } else if (kind === 'multiply') {
    for (let j = 0; j < k; j++) {
      const d = dx[j];
      for (let i = 0; i < n; i++) {
        let s = dy[i];
        for (let q = 0; q < k; q++) if (q !== j) s *= inputs[q][i];
        d[i] = s;
      }
    }
  } else {
    const isMax = kind === 'maximum';
    for (let j = 0; j < k; j++) dx[j].fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let s = inputs[0][i];
      for (let j = 1; j < k; j++) {
        const v = inputs[j][i];
        if (isMax ? v > s : v < s) {
          s = v;
          best = j;
        }
      }
      dx[best][i] = dy[i];
    }
  }
  return dx;
}

/** Concatenate rows x cols_i inputs along the last axis. */
export function concatForward(inputs: readonly Float32Array[], cols: readonly number[], rows: number, out?: Float32Array): Float32Array {
  const total = cols.reduce((a, b) => a + b, 0);
  const y = out ?? new Float32Array(rows * total);
  for (let r = 0; r < rows; r++) {
    let c0 = r * total;
    for (let j = 0; j < inputs.length; j++) {
      const w = cols[j];
      y.set(inputs[j].subarray(r * w, r * w + w), c0);
      c0 += w;
    }
  }
  return y;
}

export function concatBackward(dy: Float32Array, cols: readonly number[], rows: number, out?: Float32Array[]): Float32Array[] {
  const total = cols.reduce((a, b) => a + b, 0);
  const dx = cols.map((w, j) => out?.[j] ?? new Float32Array(rows * w));
  for (let r = 0; r < rows; r++) {
    let c0 = r * total;
    for (let j = 0; j < cols.length; j++) {
      const w = cols[j];
      dx[j].set(dy.subarray(c0, c0 + w), r * w);
      c0 += w;
    }
  }
  return dx;
}
