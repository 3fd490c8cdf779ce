/**
 * Temporal's remote codec protocol over HTTP, so the Web UI and `temporal workflow show --codec-endpoint`
 * can show reimage's encrypted payloads in clear to whoever holds the bearer token: POST /encode and
 * POST /decode take and return `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`.
 * Without a token it serves this machine only: it binds to loopback and answers only requests addressed
 * to a loopback host name (a web page whose name resolves to 127.0.0.1, DNS rebinding, gets 403).
 * Bad requests get 4xx: 400 for a body or payload it cannot read (or a key id it does not hold), 413 past
 * MAX_BODY_BYTES.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { isLoopbackHost } from '../campaign/hook-hosts';

/** Headers the Temporal UI sends with codec requests (x-namespace, and authorization when configured). */
const ALLOWED_HEADERS = 'content-type, x-namespace, authorization';
/** A payload batch is a page of history events: a few MB at most. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

const jsonPayloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string()).optional(),
      data: z.string().optional(),
    }),
  ),
});
type JsonPayloads = z.infer<typeof jsonPayloadsSchema>;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Bound on 127.0.0.1 unless `host` says otherwise; 0 picks a free port. */
  port: number;
  host?: string;
  /** The Web UI's origin, allowed by CORS (e.g. http://127.0.0.1:8233); undefined sends no CORS headers. */
  corsOrigin?: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
}

/** The codec server would decode for anyone on the network: a non-loopback host without a token. */
class CodecServerExposedError extends Error {
  override name = 'CodecServerExposedError';
}

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  if (options.token === undefined && !isLoopbackHost(host.includes(':') ? `[${host}]` : host)) {
    throw new CodecServerExposedError(
      `The codec server would decode payloads for anyone who reaches ${host} without a token; set REIMAGE_CODEC_TOKEN to bind beyond loopback, or bind to 127.0.0.1.`,
    );
  }
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      send(res, 500, options, { message: `The codec failed on this request: ${(err as Error).message}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'OPTIONS') return send(res, 204, options);
  const operation = req.url?.split('?')[0];
  if (req.method !== 'POST' || (operation !== '/encode' && operation !== '/decode')) {
    return send(res, 404, options, { message: 'This codec server answers POST /encode and POST /decode only.' });
  }
  if (options.token === undefined && !addressedToLoopback(req.headers.host)) {
    return send(res, 403, options, {
      message: `This codec server has no token, so it answers requests addressed to localhost or 127.0.0.1 only (Host ${JSON.stringify(req.headers.host ?? '')}); set REIMAGE_CODEC_TOKEN to serve other names.`,
    });
  }
  if (!authorised(options.token, req.headers.authorization)) {
    return send(res, 401, options, {
      message: 'This codec server needs "Authorization: Bearer <REIMAGE_CODEC_TOKEN>"; ask its operator for the token.',
    });
  }
  const body = await readJson(req);
  if (body === TOO_LARGE) {
    return send(res, 413, options, {
      message: `The body is over ${MAX_BODY_BYTES} bytes; send fewer payloads at once.`,
    });
  }
  const parsed = jsonPayloadsSchema.safeParse(body);
  if (!parsed.success) {
    return send(res, 400, options, {
      message: 'The body must be JSON like {"payloads": [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}.',
    });
  }
  const payloads = parsed.data.payloads.map(fromJson);
  let result: Payload[];
  try {
    result = operation === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  } catch (error) {
    return send(res, 400, options, {
      message: `A payload cannot be ${operation === '/encode' ? 'encoded' : 'decoded'}: ${(error as Error).message}`,
    });
  }
  send(res, 200, options, { payloads: result.map(toJson) });
}

/** Whether the Host header names a loopback host (any port). */
function addressedToLoopback(host: string | undefined): boolean {
  if (!host) return false;
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

function authorised(token: string | undefined, header: string | undefined): boolean {
  if (token === undefined) return true;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What readJson answers for a body over MAX_BODY_BYTES. */
const TOO_LARGE = Symbol('too large');

/** The JSON body (undefined when it is not JSON), or TOO_LARGE; an oversized body is read to its end, not kept. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return TOO_LARGE;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, options: CodecServerOptions, body?: unknown): void {
  const headers: Record<string, string> = {};
  if (options.corsOrigin) {
    headers['access-control-allow-origin'] = options.corsOrigin;
    headers['access-control-allow-methods'] = 'POST, OPTIONS';
    headers['access-control-allow-headers'] = ALLOWED_HEADERS;
    headers['access-control-allow-credentials'] = 'true';
    headers.vary = 'Origin';
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  res.writeHead(status, headers);
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function fromJson(payload: JsonPayloads['payloads'][number]): Payload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayloads['payloads'][number] {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}
