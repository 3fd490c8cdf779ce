/**
 * A tiny load-balancer pool service over HTTPS on loopback (signed by the simulator's CA), for the demo
 * and the hook tests: a set of members in service, changed two ways.
 * - As a reimage webhook receiver (POST /hooks): checks the X-Reimage-Signature when it has a secret (with
 *   the check examples/hooks/signature.ts documents), drops
 *   a repeated X-Reimage-Delivery, drains the server on `beforeWipe` and puts it back on `afterBoot`.
 * - Through its own API (DELETE / PUT /members/<serviceName>), which the sample hook worker of
 *   examples/hooks/ calls from its drainNode / undrainNode workflows.
 * Servers listed in `refuse` are refused (409) when they come back, as a failed health check would.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../examples/hooks/signature';
import type { HookPayload } from '../src/domain/hooks';
import { issueLeafCert, type CertificateAuthority } from '../src/simulator/ca';

export interface LbPool {
  /** https://localhost:<port> */
  url: string;
  /** host:port, for REIMAGE_HOOK_HOSTS. */
  host: string;
  /** Members in service. */
  members: Set<string>;
  /** Members taken out, in the order they left. */
  drained: string[];
  /** Delivery IDs applied (each once). */
  deliveries: string[];
  /** Servers the pool refuses to take back. */
  refuse: Set<string>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Starts the pool with `members` in service; `secret` is the webhook signing key it checks. */
export async function startLbPool(ca: CertificateAuthority, members: string[], secret?: string): Promise<LbPool> {
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  const pool = {
    members: new Set(members),
    drained: [] as string[],
    deliveries: [] as string[],
    refuse: new Set<string>(),
  };

  function drain(serviceName: string): void {
    if (pool.members.delete(serviceName)) pool.drained.push(serviceName);
  }

  /** Puts a server back; false when the pool refuses it. */
  function undrain(serviceName: string): boolean {
    if (pool.refuse.has(serviceName)) return false;
    pool.members.add(serviceName);
    return true;
  }

  async function onHook(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const signature = request.headers['x-reimage-signature'];
    if (secret !== undefined && !verifySignature(body, typeof signature === 'string' ? signature : undefined, secret)) {
      response.writeHead(401).end('bad signature');
      return;
    }
    const payload = JSON.parse(body) as HookPayload | { event: 'ping' };
    const delivery = String(request.headers['x-reimage-delivery'] ?? '');
    if (payload.event === 'ping' || pool.deliveries.includes(delivery)) {
      response.writeHead(200).end('ok');
      return;
    }
    const { serviceName } = payload.server;
    if (payload.event === 'beforeWipe') drain(serviceName);
    if (payload.event === 'afterBoot' && !undrain(serviceName)) {
      response.writeHead(409).end(`${serviceName} failed the pool's health check`);
      return;
    }
    pool.deliveries.push(delivery);
    response.writeHead(200).end('ok');
  }

  function onMember(request: IncomingMessage, response: ServerResponse, serviceName: string): void {
    if (request.method === 'DELETE') drain(serviceName);
    else if (request.method === 'PUT' && !undrain(serviceName)) {
      response.writeHead(409).end(`${serviceName} failed the pool's health check`);
      return;
    }
    response.writeHead(204).end();
  }

  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
    const path = new URL(request.url ?? '/', 'https://localhost').pathname;
    const member = /^\/members\/([^/]+)$/.exec(path)?.[1];
    if (path === '/hooks' && request.method === 'POST') void onHook(request, response);
    else if (member !== undefined) onMember(request, response, decodeURIComponent(member));
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    host: `localhost:${port}`,
    ...pool,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
