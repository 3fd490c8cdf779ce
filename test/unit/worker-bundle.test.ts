import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { workflowBundleFor } from '../../src/worker';

describe('the workflow bundle a worker runs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-bundle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is the file REIMAGE_WORKFLOW_BUNDLE names, read as is', async () => {
    const file = path.join(dir, 'bundle.js');
    writeFileSync(file, '/* prebuilt */ module.exports = {};');
    await expect(workflowBundleFor({ workflowBundlePath: file })).resolves.toEqual({
      code: '/* prebuilt */ module.exports = {};',
    });
  });

  it('names the variable and the fix when that file cannot be read', async () => {
    const file = path.join(dir, 'missing.js');
    await expect(workflowBundleFor({ workflowBundlePath: file })).rejects.toEqual(
      new ConfigError(
        `REIMAGE_WORKFLOW_BUNDLE: "${file}" cannot be read (ENOENT: no such file or directory, open '${file}'); build it with "npm run bundle -- ${file}" or unset the variable.`,
      ),
    );
  });

  it('is built from src/workflows when no bundle is named', async () => {
    const bundle = await workflowBundleFor({});
    expect(bundle.code).toContain('reimageCampaignWorkflow');
    expect(bundle.code).toContain('reimageServerWorkflow');
  }, 60_000);
});
