// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node modules that do I/O: the core reaches the outside world only through ports. */
const ioModules = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'os',
  'worker_threads',
  'dgram',
  'dns',
  'dns/promises',
  'tls',
  'cluster',
  'readline',
  'readline/promises',
  'inspector',
  'v8',
  'vm',
  'module',
  'process',
  'repl',
  'tty',
];

/** `import { z }` pulls all of zod (locales included) into a bundle, about 360 KB more each. */
const zodNamespaceOnly = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: "Use `import * as z from 'zod'`: the named `z` export defeats tree-shaking.",
};

/** Files held to the core's rules; the lint fixtures prove the rule fires. */
export const coreFiles = ['src/core/**/*.ts', 'test/lint-fixtures/core/**/*.ts'];
/** The Node adapters: files, processes, network — never the editor. */
export const nodeFiles = ['src/node/**/*.ts', 'test/lint-fixtures/node/**/*.ts'];
/** Webview code runs in the browser: no editor API, no Node, only the message contracts it shares with its host. */
export const webviewFiles = ['media/**/*.ts', 'test/lint-fixtures/media/**/*.ts'];
/** The contracts a webview and its host share: plain data and zod schemas, importing neither the editor nor Node I/O. */
export const sharedContracts = [
  'src/vscode/chat/protocol.ts',
  'src/vscode/chat/cardText.ts',
  'src/vscode/audit/messages.ts',
  'src/vscode/approvals/previewMessages.ts',
  'src/vscode/approvals/hiddenFlags.ts',
  'src/vscode/approvals/previewHeading.ts',
  'test/lint-fixtures/shared/**/*.ts',
];
const noVscode = { name: 'vscode', message: 'This layer must not depend on VS Code: only src/vscode and src/extension.ts may.' };
const noNodeIo = ioModules.flatMap((m) => [
  { name: m, message: `A webview and the contracts it shares do no Node I/O (${m}).` },
  { name: `node:${m}`, message: `A webview and the contracts it shares do no Node I/O (node:${m}).` },
]);

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', '.warden-cache/**', 'test-results/**', '.tmp/**', 'test/lint-fixtures/**', '*.vsix'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      // `import { z }` pulls all of zod (locales included) into every bundle: ~360 KB each.
      'no-restricted-syntax': ['error', zodNamespaceOnly],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: coreFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/core must not depend on VS Code: take what you need through a port.' },
            ...ioModules.flatMap((m) => [
              { name: m, message: `src/core does no I/O of its own (${m}): take it through a port.` },
              { name: `node:${m}`, message: `src/core does no I/O of its own (node:${m}): take it through a port.` },
            ]),
          ],
          patterns: [{ group: ['**/node/**', '**/vscode/**', '**/cli/**'], message: 'src/core must not import an adapter layer.' }],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core reads no environment: take it through a port.' },
        { name: 'fetch', message: 'src/core does no network I/O: take it through a port.' },
        { name: 'require', message: 'src/core loads nothing at run time.' },
      ],
    },
  },
  {
    files: nodeFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              group: ['**/vscode/**', '**/cli/**', '**/extension'],
              message: 'src/node must not import the editor adapters or the composition roots.',
            },
          ],
        },
      ],
    },
  },
  {
    files: sharedContracts,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeIo],
          patterns: [{ group: ['**/node/**', '**/cli/**'], message: 'A shared webview contract imports no adapter.' }],
        },
      ],
    },
  },
  {
    files: webviewFiles,
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode, ...noNodeIo],
          patterns: [
            {
              regex:
                '(^|/)src/(node|cli)/|(^|/)src/vscode/(?!(chat/protocol|chat/cardText|audit/messages|approvals/previewMessages|approvals/hiddenFlags|approvals/previewHeading)$)',
              message:
                'A webview imports only the shared message contracts (src/vscode/*/protocol, cardText, messages, previewMessages, previewHeading, hiddenFlags) and pure core code.',
            },
          ],
        },
      ],
    },
  },
);
