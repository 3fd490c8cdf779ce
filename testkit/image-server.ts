/**
 * Images served over HTTPS on loopback, signed by the simulator's CA (anything that trusts the simulator
 * trusts them too), so image qualification (size, sha256, format, ESP) runs for real.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueLeafCert, type CertificateAuthority } from '../src/simulator/ca';
import { rehearsalImage } from '../src/simulator/rehearsal-image';

export interface ImageServer {
  url(name: string): string;
  /** Authorization header values received on /private/ paths. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * Serves `images` at https://localhost:<port>/<name>, and at /private/<name> to requests that carry
 * `Authorization: Bearer <token>` only (403 otherwise).
 */
export async function serveImages(
  ca: CertificateAuthority,
  images: Record<string, Buffer>,
  token?: string,
): Promise<ImageServer> {
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  const authorizations: string[] = [];
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const isPrivate = url.pathname.startsWith('/private/');
    const image = images[url.pathname.replace(/^\/(private\/)?/, '')];
    if (isPrivate) authorizations.push(request.headers.authorization ?? '');
    if (isPrivate && request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(403).end('forbidden');
    } else if (!image) {
      response.writeHead(404).end('not found');
    } else {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': image.length });
      response.end(image);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (name) => `https://localhost:${port}/${name}`,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The one image a stack's campaigns deploy. */
export interface DemoImageServer {
  url: string;
  sha256: string;
  sizeBytes: number;
  close(): Promise<void>;
}

/** Serves the demo image (the simulator's rehearsal image) at https://localhost:<port>/debian-12-demo.raw. */
export async function startDemoImageServer(ca: CertificateAuthority): Promise<DemoImageServer> {
  const { bytes, sha256 } = rehearsalImage();
  const server = await serveImages(ca, { 'debian-12-demo.raw': bytes });
  return {
    url: server.url('debian-12-demo.raw'),
    sha256,
    sizeBytes: bytes.length,
    close: () => server.close(),
  };
}
