export declare function createDom(width?: number, height?: number): { window: Window & typeof globalThis; document: Document; close(): Promise<void> };
