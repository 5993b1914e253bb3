/** Cancellation without vscode: a VS Code CancellationToken satisfies this. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
}

export const NEVER_CANCELLED: CancellationLike = { isCancellationRequested: false };
