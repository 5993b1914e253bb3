// ESLint flat config: typescript-eslint with type information, plus the import arrows of ../shared/STYLE.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tools/**', 'bench/node_modules/**', 'asm/**', 'examples/**', 'test/fixtures/**', 'test/integration/fixtures/**', 'test/corpus/**', 'test/agreement/fixtures/**', '**/*.cjs', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['vscode'], message: 'core is pure: no vscode' },
        { group: ['**/vscode/**', '**/cli/**', '**/webview/**', '**/protocol/**'], message: 'core imports nothing above it' },
      ]),
    },
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['vscode'], message: 'protocol is plain data' },
        { group: ['**/vscode/**', '**/cli/**', '**/webview/**'], message: 'protocol imports only core types' },
      ]),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['vscode'], message: 'the CLI runs without VS Code' },
        { group: ['**/vscode/**', '**/webview/**'], message: 'cli -> core only' },
      ]),
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([
        { group: ['vscode', 'fs', 'path', 'node:*', 'child_process'], message: 'the webview runs in a browser' },
        { group: ['**/src/vscode/**', '**/src/cli/**', '**/core/parse/**', '**/core/simulate/!(types)', '**/core/kernels/**'], message: 'webview -> protocol and report types only' },
      ]),
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/**', 'src/extension.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='vscode']", message: 'only src/vscode imports vscode' }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortController: 'readonly' } },
  },
);
