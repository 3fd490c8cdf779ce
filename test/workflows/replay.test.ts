/**
 * Replays recorded histories (test/fixtures/histories, written by record-histories.ts) against the current
 * workflow code: a change that would make running campaigns non-deterministic fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal';
import { quietRuntime } from '../helpers/test-logger';

const DIR = path.join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('recorded histories', () => {
  beforeAll(() => quietRuntime());

  it('include both workflows, hooks, notifications, an outage and learned durations among them', () => {
    expect(files).toEqual([
      'cancel-at-start-campaign.json',
      'cancel-in-flight-campaign.json',
      'features-campaign.json',
      'features-server-learned.json',
      'features-server-outage.json',
      'features-server-rolled-back.json',
      'reimage-campaign.json',
      'reimage-server-done.json',
      'reimage-server-failed.json',
      'start-cap-campaign.json',
    ]);
  });

  it('replay deterministically with the current workflow code', async () => {
    const histories = files.map((file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(path.join(DIR, file), 'utf8'))),
    }));
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      results.push({ workflowId: result.workflowId, error: result.error?.message });
    }
    expect(results).toEqual(files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), error: undefined })));
  });
});
