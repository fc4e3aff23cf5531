import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const cases = [
  { file: 'test/lint-fixtures/core/imports-node-fs.ts', rule: 'no-restricted-imports', says: 'node:fs' },
  { file: 'test/lint-fixtures/core/imports-vscode.ts', rule: 'no-restricted-imports', says: 'VS Code' },
  { file: 'test/lint-fixtures/core/uses-process-env.ts', rule: 'no-restricted-globals', says: 'environment' },
  { file: 'test/lint-fixtures/node/imports-vscode.ts', rule: 'no-restricted-imports', says: 'must not depend on VS Code' },
  { file: 'test/lint-fixtures/media/imports-adapter.ts', rule: 'no-restricted-imports', says: 'imports only the shared message contracts' },
  { file: 'test/lint-fixtures/media/imports-node-fs.ts', rule: 'no-restricted-imports', says: 'no Node I/O \\(node:fs\\)' },
  { file: 'test/lint-fixtures/shared/imports-vscode.ts', rule: 'no-restricted-imports', says: 'must not depend on VS Code' },
];

describe('every layer keeps to its fence (lint): core no I/O, node no editor, webviews and their contracts neither', () => {
  const eslint = new ESLint({ cwd: root, ignore: false });
  for (const c of cases) {
    it(`rejects ${c.file.split('/').slice(-2).join('/')}`, async () => {
      const [result] = await eslint.lintFiles([c.file]);
      const hit = result?.messages.find((m) => m.ruleId === c.rule);
      assert.ok(hit, `expected ${c.rule} in ${JSON.stringify(result?.messages)}`);
      assert.match(hit.message, new RegExp(c.says));
    });
  }
});
