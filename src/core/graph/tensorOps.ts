/**
 * The op vocabulary of TensorOp nodes (tensor ops traced in custom layers' call() bodies): the parser makes them
 * (parse/tfjsApi.ts), infers their shapes (parse/shapes.ts) and the simulator runs them (simulate/tensorOps.ts).
 */

/** Element-wise unary ops, simulated with their real function. */
export const UNARY_TENSOR_OPS = ['exp', 'log', 'sqrt', 'rsqrt', 'square', 'abs', 'reciprocal'] as const;
export type UnaryOp = (typeof UNARY_TENSOR_OPS)[number];

/** Reductions over one axis. */
export const REDUCE_TENSOR_OPS = ['mean', 'sum', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_TENSOR_OPS)[number];

export const isUnaryOp = (op: string): op is UnaryOp => (UNARY_TENSOR_OPS as readonly string[]).includes(op);
export const isReduceOp = (op: string): op is ReduceOp => (REDUCE_TENSOR_OPS as readonly string[]).includes(op);
