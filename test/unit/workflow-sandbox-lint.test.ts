import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Lints `code` as if it were the file at `filePath` (relative to the project), with the project's config. */
function lint(code: string, filePath: string): { status: number | null; output: string } {
  const result = spawnSync(
    path.join(root, 'node_modules', '.bin', 'eslint'),
    ['--stdin', '--stdin-filename', filePath],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the workflow sandbox lint rule', () => {
  it('rejects a Node.js built-in imported by workflow code', () => {
    const { status, output } = lint(
      "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      'src/workflows/bad.ts',
    );
    expect(status).toBe(1);
    expect(output).toContain(
      "'node:fs' import is restricted from being used by a pattern. Workflow code runs in the deterministic sandbox: no Node.js built-ins",
    );
  });

  it('rejects the OVH client imported by workflow code', () => {
    const { status, output } = lint(
      "import * as ovh from '../ovh/client';\nexport const o = ovh;\n",
      'src/workflows/bad.ts',
    );
    expect(status).toBe(1);
    expect(output).toContain('Workflow code may not reach I/O modules');
  });

  it('allows type-only imports of the activity contract', () => {
    const { status, output } = lint(
      "import type { ReimageActivities } from '../activities/types';\nexport type A = ReimageActivities;\n",
      'src/workflows/ok.ts',
    );
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('allows Node.js built-ins outside workflow code', () => {
    const { status } = lint(
      "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n",
      'src/cli/ok.ts',
    );
    expect(status).toBe(0);
  });
});
