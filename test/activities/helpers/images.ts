/**
 * The disk images of testkit/images.ts served over HTTPS by testkit/image-server.ts, signed by the test CA
 * (REIMAGE_TEST_CA_DIR) and trusted by this process, so qualifyImage streams over real TLS.
 */
import path from 'node:path';
import { trustCaFile } from '../../../src/ovh/settings';
import { ensureCa } from '../../../src/simulator/ca';
import { serveImages, type ImageServer } from '../../../testkit/image-server';

/** Serves `images` at /<name>, and at /private/<name> with `Authorization: Bearer <token>` only. */
export async function startImageServer(images: Record<string, Buffer>, token: string): Promise<ImageServer> {
  const caDir = process.env.REIMAGE_TEST_CA_DIR ?? path.join(__dirname, '../../../.data/test-ca');
  const ca = ensureCa(caDir);
  // NODE_EXTRA_CA_CERTS only works for processes started after it was set (not an in-band jest run).
  trustCaFile(ca.caCertPath);
  return serveImages(ca, images, token);
}
