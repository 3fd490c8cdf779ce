/**
 * The endpoint reimaged servers call back (cloud-init's phone_home): `POST <base>/<serviceName>/<deployment>/<token>`
 * with a form body. It recomputes the token of the server's running workflow run (callback-token.ts) and
 * compares it in constant time, then hands the host keys to that run (serverCallbackUpdate); it answers 2xx
 * only when the run accepted the callback. A forged token gets 403, a callback the run refuses (replayed,
 * an ended deployment's) 409, a server without a running reimage 404, any other method 405 (`reimage plan`
 * GETs the callback URL to find the receiver there). Bodies are capped, each source address
 * is rate-limited, and the log names the server and the answer, never the token nor the body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { callbackToken, parseCallbackPath, sameToken } from '../activities/callback-token';
import { serverCallbackUpdate } from '../shared/campaign-messages';
import { serverWorkflowId } from '../shared/workflow-ids';
import { hostKeysOfForm } from './callback-form';

/**
 * The header every answer of the receiver carries, so that `reimage plan` can tell it from anything else
 * at the callback URL (its GET there gets a 405 with this header; never a 2xx).
 */
export const CALLBACK_SERVER_HEADER = 'x-reimage-callback-server';

/** A phone_home form holds three public keys and three names: a few KiB. */
const MAX_BODY_BYTES = 64 * 1024;

export interface CallbackReceiverOptions {
  client: Client;
  /** REIMAGE_CALLBACK_SECRET: the workers' secret, which signs the tokens. */
  secret: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Requests a source address may make per minute (default 120: a fleet behind one NAT calls in bursts). */
  perMinute?: number;
  log?: (line: string) => void;
}

export interface CallbackReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An answer and the reason the log gives for it. */
type Answer = [status: number, reason: string];

/** Per source address, the requests of the current minute. */
class RateLimit {
  private window = 0;
  private counts = new Map<string, number>();
  constructor(private readonly perMinute: number) {}

  allows(address: string): boolean {
    const window = Math.floor(Date.now() / 60_000);
    if (window !== this.window) [this.window, this.counts] = [window, new Map()];
    const count = (this.counts.get(address) ?? 0) + 1;
    this.counts.set(address, count);
    return count <= this.perMinute;
  }
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap the rest is discarded unread; the answer closes the connection.
      if (size > MAX_BODY_BYTES) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Checks the token against the server's running run and hands the callback to it. */
async function deliver(options: CallbackReceiverOptions, pathname: string, body: string): Promise<Answer> {
  const target = parseCallbackPath(pathname);
  if (!target) return [404, 'not a callback path'];
  const workflowId = serverWorkflowId(target.serviceName);
  const description = await options.client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  if (description?.status.name !== 'RUNNING') return [404, `${target.serviceName} has no reimage running`];
  const expected = callbackToken(options.secret, {
    workflowId,
    runId: description.runId,
    deployment: target.deployment,
  });
  if (!sameToken(target.token, expected)) return [403, `${target.serviceName}: the token is not valid`];
  const callback = { deployment: target.deployment, hostKeys: hostKeysOfForm(body) };
  try {
    await options.client.workflow
      .getHandle(workflowId, description.runId)
      .executeUpdate(serverCallbackUpdate, { args: [callback] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      return [
        409,
        `${target.serviceName} deployment ${target.deployment}: refused (${error.cause?.message ?? 'no reason'})`,
      ];
    }
    throw error;
  }
  return [200, `${target.serviceName} deployment ${target.deployment}: accepted`];
}

async function answer(options: CallbackReceiverOptions, limit: RateLimit, req: IncomingMessage): Promise<Answer> {
  if (!limit.allows(req.socket.remoteAddress ?? '')) return [429, 'rate limited'];
  if (req.method !== 'POST') return [405, `method ${req.method ?? ''}`];
  const body = await readBody(req);
  if (body === undefined) return [413, `body above ${MAX_BODY_BYTES} bytes`];
  const { pathname } = new URL(req.url ?? '/', 'http://callback');
  return deliver(options, pathname, body);
}

/** Starts the receiver; resolves once it listens. */
export async function startCallbackReceiver(options: CallbackReceiverOptions): Promise<CallbackReceiver> {
  const limit = new RateLimit(options.perMinute ?? 120);
  const server: Server = createServer((req, res: ServerResponse) => {
    answer(options, limit, req)
      .catch((error: unknown): Answer => [503, `Temporal did not answer (${(error as Error).message})`])
      .then(([status, reason]) => {
        options.log?.(`callback ${status}: ${reason}`);
        res
          .writeHead(status, { 'content-type': 'text/plain', connection: 'close', [CALLBACK_SERVER_HEADER]: '1' })
          .end(`${status === 200 ? 'accepted' : 'refused'}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
