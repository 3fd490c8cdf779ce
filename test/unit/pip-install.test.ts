/** The bootstrap's pip install: silent when it succeeds, pip's own error when it fails. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipInstall } from '../../src/temporal/binaries';

// A throwaway venv of the machine's Python 3 (a prerequisite of the project); `--no-index` keeps pip offline.
let dir: string;
let pip: string;
let written: string[];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-pip-'));
  execFileSync('python3', ['-m', 'venv', dir]);
  pip = path.join(dir, 'bin', 'pip');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  written = [];
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
});
afterEach(() => jest.restoreAllMocks());

describe('pipInstall', () => {
  it('prints nothing when the packages are installed', () => {
    pipInstall(pip, ['--no-index', 'pip']);
    expect(written).toEqual([]);
  });

  it("throws pip's last error line and shows its whole output when it fails", () => {
    expect(() => pipInstall(pip, ['--no-index', 'reimage-no-such-package==0.0.0'])).toThrow(
      new Error('ERROR: No matching distribution found for reimage-no-such-package==0.0.0'),
    );
    expect(written.join('')).toBe(
      'ERROR: Could not find a version that satisfies the requirement reimage-no-such-package==0.0.0 (from versions: none)\n' +
        'ERROR: No matching distribution found for reimage-no-such-package==0.0.0\n',
    );
  });
});
