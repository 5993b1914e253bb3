// Assertions for the webview tests (the webview type-check has no node types, so no node:assert here).
export function ok(cond: unknown, msg = 'expected a truthy value'): asserts cond {
  if (!cond) throw new Error(msg);
}

export function equal<T>(actual: T, expected: T, msg = ''): void {
  if (actual !== expected) throw new Error(`${msg ? msg + ': ' : ''}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function deepEqual(actual: unknown, expected: unknown, msg = ''): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${msg ? msg + ': ' : ''}expected ${e}, got ${a}`);
}

export function close(actual: number, expected: number, tol: number, msg = ''): void {
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${msg ? msg + ': ' : ''}expected ${expected} ± ${tol}, got ${actual}`);
}

export function texts(root: ParentNode, selector: string): string[] {
  return Array.from(root.querySelectorAll(selector)).map((e) => (e.textContent ?? '').trim());
}
