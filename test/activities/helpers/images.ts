/**
 * The disk images of testkit/images.ts served over HTTPS by testkit/image-server.ts, signed by the test CA
 * (test/helpers/simulator.ts) and trusted by this process, so qualifyImage streams over real TLS.
 */
import { trustCaFile } from '../../../src/ovh/settings';
import { serveImages, type ImageServer } from '../../../testkit/image-server';
import { testCa } from '../../helpers/simulator';

/** Serves `images` at /<name>, and at /private/<name> with `Authorization: Bearer <token>` only. */
export async function startImageServer(images: Record<string, Buffer>, token: string): Promise<ImageServer> {
  const ca = testCa();
  // NODE_EXTRA_CA_CERTS only works for processes started after it was set (not an in-band jest run).
  trustCaFile(ca.caCertPath);
  return serveImages(ca, images, token);
}
