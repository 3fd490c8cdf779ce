/**
 * A worker given OVH_CA_FILE still trusts the CAs Node trusted at start (NODE_EXTRA_CA_CERTS): an image host
 * signed by one of them answers over https.globalAgent once the OVH CA is added. The suite runs with the
 * test CA in NODE_EXTRA_CA_CERTS; the OVH CA here is another one.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keepStartupCas, trustCaFile } from '../../src/ovh/settings';
import type * as Settings from '../../src/ovh/settings';
import { ensureCa, issueLeafCert } from '../../src/simulator/ca';
import { testCa } from '../helpers/simulator';

const otherCaDir = mkdtempSync(path.join(os.tmpdir(), 'reimage-other-ca-'));
afterAll(() => rmSync(otherCaDir, { recursive: true, force: true }));

/**
 * The answer of a new image host signed by the test CA (its CA reaches the process through
 * NODE_EXTRA_CA_CERTS), fetched over https.globalAgent: a new host each time, so no TLS session is resumed
 * and each answer proves the agent's current trust.
 */
async function getStatus(): Promise<number | string> {
  const leaf = issueLeafCert(testCa(), ['localhost', '127.0.0.1']);
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => res.end('image'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      https
        .get({ host: '127.0.0.1', port, path: '/', agent: https.globalAgent }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

it("keeps NODE_EXTRA_CA_CERTS's CAs trusted after OVH_CA_FILE adds another CA to the global agent", async () => {
  keepStartupCas(process.env.NODE_EXTRA_CA_CERTS);
  trustCaFile(ensureCa(otherCaDir).caCertPath);
  expect(await getStatus()).toBe(200);
});

it("trusts the startup CAs again when an earlier client's context left them out of the global agent", async () => {
  // A fresh copy of the module, as in a second process part that kept its own trust list: the first copy
  // set the global agent's context to the bundled roots and the other CA only.
  const fresh = (): typeof Settings => {
    let loaded: typeof Settings | undefined;
    jest.isolateModules(() => {
      loaded = jest.requireActual<typeof Settings>('../../src/ovh/settings');
    });
    return loaded!;
  };
  const [first, second] = [fresh(), fresh()];
  https.globalAgent.options.secureContext = undefined;
  first.trustCaFile(ensureCa(otherCaDir).caCertPath);
  second.keepStartupCas(process.env.NODE_EXTRA_CA_CERTS);
  second.trustCaFile(process.env.NODE_EXTRA_CA_CERTS!);
  expect(await getStatus()).toBe(200);
});

it('names the variable and the fix when the startup CA file cannot be read', () => {
  expect(() => keepStartupCas('/nonexistent/ca.pem')).toThrow(
    'NODE_EXTRA_CA_CERTS "/nonexistent/ca.pem" cannot be read (ENOENT: no such file or directory, open \'/nonexistent/ca.pem\'); point it at a PEM file.',
  );
});
