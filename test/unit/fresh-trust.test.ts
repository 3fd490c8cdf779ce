/**
 * Every test file starts from Node's own trust store (test/helpers/fresh-trust.ts, a jest setup file): a
 * context another file's OVH client left on the process-wide https.globalAgent does not reach it.
 */
import { mkdtempSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { Simulator } from '../../src/simulator';
import { ensureCa } from '../../src/simulator/ca';
import { trustCaFile } from '../../src/ovh/settings';
import { startTestSimulator } from '../helpers/simulator';
import { nodeOvh, rejectionOf } from '../simulator/sim-helpers';

let sim: Simulator;
beforeAll(async () => (sim = await startTestSimulator()));
afterAll(() => sim.close());

it('trusts the test CA again after a client of another file left a context without it', async () => {
  // What a file whose client trusted a second account's CA leaves behind in the jest worker's process.
  trustCaFile(ensureCa(mkdtempSync(path.join(os.tmpdir(), 'reimage-stranger-ca-'))).caCertPath);
  const fresh = () => nodeOvh(sim).requestPromised('GET', '/auth/time');
  expect(String((await rejectionOf(fresh())).error)).toContain('self-signed certificate');

  jest.isolateModules(() => jest.requireActual('../helpers/fresh-trust'));
  expect(https.globalAgent.options.secureContext).toBeUndefined();
  expect(await fresh()).toEqual(expect.any(Number));
});
