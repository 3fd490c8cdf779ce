/**
 * The bad-input corpus: every file under test/fixtures/bad-campaigns/ is a campaign with exactly one defect,
 * and its sibling `<file>.expected.txt` holds the exact message the loader must report for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CampaignValidationError, loadCampaignFile } from '../../src/campaign/loader';

const CORPUS = path.join(__dirname, '..', 'fixtures', 'bad-campaigns');
const campaignFiles = readdirSync(CORPUS)
  .filter((name) => /\.(ya?ml|json)$/.test(name))
  .sort();

async function rejectionOf(file: string): Promise<CampaignValidationError> {
  try {
    await loadCampaignFile(path.join(CORPUS, file));
  } catch (error) {
    if (error instanceof CampaignValidationError) return error;
    throw error;
  }
  throw new Error(`${file} was accepted, but the corpus holds only invalid campaigns`);
}

describe('the bad-campaign corpus', () => {
  it('holds at least 100 campaigns, in YAML and in JSON, each paired with its expected message', () => {
    expect(campaignFiles.length).toBeGreaterThanOrEqual(100);
    expect(campaignFiles.filter((name) => name.endsWith('.json')).length).toBeGreaterThanOrEqual(30);
    const missing = campaignFiles.filter((name) => !readdirSync(CORPUS).includes(`${name}.expected.txt`));
    expect(missing).toEqual([]);
  });

  it.each(campaignFiles)('rejects %s with exactly its expected message', async (file) => {
    const expected = readFileSync(path.join(CORPUS, `${file}.expected.txt`), 'utf8').replace(/\n$/, '');
    const error = await rejectionOf(file);
    expect(error.message).toBe(expected);
    expect(error.issues).toHaveLength(1);
  });
});
