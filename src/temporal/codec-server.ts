/**
 * Temporal's remote codec protocol over HTTP, so the Web UI and `temporal workflow show --codec-endpoint`
 * can show reimage's encrypted payloads in clear to whoever holds the bearer token: POST /encode and
 * POST /decode take and return `{"payloads": [{"metadata": {k: base64}, "data": base64}]}`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

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

export interface CodecServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the codec server; resolves once it listens. */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const server: Server = createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      send(res, 500, options, { message: `The codec failed on this request: ${(err as Error).message}` });
    });
  });
  const host = options.host ?? '127.0.0.1';
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
  if (!authorised(options.token, req.headers.authorization)) {
    return send(res, 401, options, {
      message: 'This codec server needs "Authorization: Bearer <REIMAGE_CODEC_TOKEN>"; ask its operator for the token.',
    });
  }
  const parsed = jsonPayloadsSchema.safeParse(await readJson(req));
  if (!parsed.success) {
    return send(res, 400, options, {
      message: 'The body must be JSON like {"payloads": [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}.',
    });
  }
  const payloads = parsed.data.payloads.map(fromJson);
  const result = operation === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  send(res, 200, options, { payloads: result.map(toJson) });
}

function authorised(token: string | undefined, header: string | undefined): boolean {
  if (token === undefined) return true;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
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
