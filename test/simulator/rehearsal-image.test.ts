/**
 * The simulator's rehearsal image and the environment that names it: served over the simulator's own HTTPS
 * (its CA, which the environment tells the worker to trust), with the checksum the environment gives.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { Simulator } from '../../src/simulator';
import { rehearsalEnv } from '../../src/simulator/rehearsal-env';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestSimulator({ speed: 100 });
});
afterAll(() => sim.close());

/** The `export NAME='value'` lines of `text`, as a shell that sources them would see them. */
function exported(text: string): Record<string, string> {
  const lines = [...text.matchAll(/^export ([A-Z0-9_]+)='([^']*)'$/gm)];
  return Object.fromEntries(lines.map((match) => [match[1] as string, match[2] as string]));
}

/** GET `url`, trusting only `caFile`: the status, the body's sha256 and its size. */
function download(url: string, caFile: string): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca: readFileSync(caFile) }, (response) => {
        const hash = createHash('sha256');
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, sha256: hash.digest('hex'), bytes }));
      })
      .on('error', reject);
  });
}

it('names the simulator, its credentials, its CA, its SSH port, its speed and its rate limit', () => {
  const env = exported(rehearsalEnv(sim, { requests: 10, perMs: 1000 }));
  expect(env).toEqual({
    OVH_ENDPOINT: sim.url,
    OVH_APPLICATION_KEY: sim.credentials.appKey,
    OVH_APPLICATION_SECRET: sim.credentials.appSecret,
    OVH_CONSUMER_KEY: sim.credentials.consumerKey,
    OVH_CA_FILE: sim.caCertPath,
    NODE_EXTRA_CA_CERTS: sim.caCertPath,
    REIMAGE_SIMULATOR_SSH_PORT: String(sim.sshPort),
    REIMAGE_SIMULATOR_SPEED: '100',
    OVH_RATE_LIMIT: '600/min',
    REHEARSAL_IMAGE_URL: `https://localhost:${sim.port}/_sim/images/rehearsal.raw`,
    REHEARSAL_IMAGE_SHA256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
  });
});

it('serves the rehearsal image over its HTTPS with the checksum the environment names', async () => {
  const env = exported(rehearsalEnv(sim));
  expect(env).not.toHaveProperty('OVH_RATE_LIMIT');
  const image = await download(env.REHEARSAL_IMAGE_URL as string, env.NODE_EXTRA_CA_CERTS as string);
  expect(image).toEqual({ status: 200, sha256: env.REHEARSAL_IMAGE_SHA256, bytes: 8 * 1024 * 1024 });
});
