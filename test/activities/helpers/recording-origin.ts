/**
 * A web server on loopback that records every request it receives (path and Authorization header) and
 * answers what the test says: the "image host" of the image-origin tests, over HTTPS (test CA, trusted by
 * this process) or plain HTTP.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { trustCaFile } from '../../../src/ovh/settings';
import { issueLeafCert } from '../../../src/simulator/ca';
import { testCa } from '../../helpers/simulator';

export interface RecordedRequest {
  path: string;
  authorization?: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer;
}

export interface RecordingOrigin {
  /** `<scheme>://<host>:<port><path>`, the host as given to startRecordingOrigin. */
  url(pathname: string): string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server answering `answer(path)` to every request; `host` is the name its URLs use. */
export async function startRecordingOrigin(
  scheme: 'https' | 'http',
  answer: (pathname: string) => Answer,
  host = 'localhost',
): Promise<RecordingOrigin> {
  const requests: RecordedRequest[] = [];
  const handler: http.RequestListener = (request, response) => {
    const pathname = request.url ?? '/';
    requests.push({ path: pathname, authorization: request.headers.authorization });
    const { status, headers, body } = answer(pathname);
    response.writeHead(status, headers).end(body);
  };
  const server = scheme === 'https' ? https.createServer(tlsOptions(), handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (pathname) => `${scheme}://${host}:${port}${pathname}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function tlsOptions(): https.ServerOptions {
  const ca = testCa();
  // NODE_EXTRA_CA_CERTS only works for processes started after it was set (not an in-band jest run).
  trustCaFile(ca.caCertPath);
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  return { cert: leaf.certPem, key: leaf.keyPem };
}
