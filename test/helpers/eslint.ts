/**
 * Lints code snippets as if they were files of the project, with its eslint.config.mjs, in one eslint
 * process: loading the config costs seconds, linting a snippet milliseconds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface Snippet {
  code: string;
  /** Where the snippet pretends to live, relative to the project (e.g. `src/ovh/bad.ts`). */
  filePath: string;
}

const LINT_ALL = `
const { ESLint } = require('eslint');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const messages = [];
  for (const { code, filePath } of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath });
    messages.push(result.messages.map((message) => message.message));
  }
  process.stdout.write(JSON.stringify(messages));
});
`;

/** Every eslint message of each snippet, in order; an empty list means the snippet is clean. */
export function lintSnippets(snippets: Snippet[]): string[][] {
  const result = spawnSync(process.execPath, ['-e', LINT_ALL], {
    cwd: root,
    input: JSON.stringify(snippets),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`eslint failed (exit ${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as string[][];
}
