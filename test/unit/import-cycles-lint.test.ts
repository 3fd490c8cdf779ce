import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cycleReport, findCycles, importGraph, SOURCE_DIRS } from '../../scripts/import-cycles';

const ROOT = path.join(__dirname, '..', '..');

/** Writes `files` (path -> source) under a new temporary folder and returns it. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cycles-'));
  for (const [file, source] of Object.entries(files)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), source);
  }
  return root;
}

const CYCLE = {
  'src/shared/a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
  'src/shared/b.ts': "import { c } from '../lower/c';\nexport interface B { c: typeof c }\n",
  'src/lower/c.ts': "export type { A } from '../shared/a';\nexport const c = 1;\n",
  'src/lower/index.ts': "export { c } from './c';\n",
  'src/top.ts': "import { c } from './lower';\nimport fs from 'node:fs';\nexport const t = [c, fs];\n",
};

describe('the import cycle lint', () => {
  it('reports a cycle through type imports and re-exports as a chain of paths', () => {
    const root = project(CYCLE);
    expect(findCycles(importGraph(root, ['src']))).toEqual([
      ['src/lower/c.ts', 'src/shared/a.ts', 'src/shared/b.ts', 'src/lower/c.ts'],
    ]);
  });

  it('reports nothing once the cycle is broken', () => {
    const root = project({ ...CYCLE, 'src/lower/c.ts': 'export const c = 1;\n' });
    expect(cycleReport(findCycles(importGraph(root, ['src'])))).toBeUndefined();
  });

  it('fails the lint (npm run lint runs scripts/import-cycles.ts) with the cycle named', async () => {
    const root = project(CYCLE);
    const script = path.join(ROOT, 'scripts', 'import-cycles.ts');
    const run = promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [script, 'src'], { cwd: root });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr:
        'Import cycles (1): each module below needs the next, so none sits below the others. Move what both need ' +
        'into a lower module (src/shared or src/domain), or merge them.\n' +
        '  src/lower/c.ts -> src/shared/a.ts -> src/shared/b.ts -> src/lower/c.ts\n',
    });
  });

  it('finds no cycle in this repository', () => {
    expect(cycleReport(findCycles(importGraph(ROOT, SOURCE_DIRS)))).toBeUndefined();
  });
});
