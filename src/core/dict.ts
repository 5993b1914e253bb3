/**
 * Lookup tables keyed by user text (class names, activation and initializer ids, method names): without a
 * prototype, so 'toString', 'constructor' or '__proto__' in a model file are unknown keys, not Object's methods.
 */
export function dict<T>(entries: { [key: string]: T } = {}): { [key: string]: T } {
  return Object.assign(Object.create(null) as { [key: string]: T }, entries);
}
