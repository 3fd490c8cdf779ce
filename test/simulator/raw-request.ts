/**
 * Signed (or deliberately mis-signed) HTTPS requests to the simulator with Node's https module, signing
 * exactly as node-ovh does, so tests can read the whole OVH error body (node-ovh keeps only `message`).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { Simulator } from '../../src/simulator';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body (undefined when the body is not JSON). */
  body: unknown;
}

export interface RawRequest {
  method?: string;
  /** Path below the base path, with its query, e.g. `/dedicated/server`. */
  path: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Base path; `/1.0` unless given (use '' for paths outside it, e.g. `/_sim/counters`). */
  basePath?: string;
  /** false: no signing headers at all. */
  sign?: boolean;
  appKey?: string;
  appSecret?: string;
  consumerKey?: string;
  /** Timestamp to sign with; the current time by default. */
  timestamp?: number;
  /** Replaces the computed signature. */
  signature?: string;
  headers?: Record<string, string>;
}

/** Where a simulator listens and what it trusts and accepts: a running Simulator, or its printed connection line. */
export type SimAddress = Pick<Simulator, 'host' | 'port' | 'basePath' | 'caCertPath' | 'credentials'>;

const agents = new Map<string, https.Agent>();

/** An agent trusting the simulator's CA (no keep-alive, so no socket outlives a test). */
function agentFor(sim: SimAddress): https.Agent {
  let agent = agents.get(sim.caCertPath);
  if (!agent) {
    agent = new https.Agent({ ca: readFileSync(sim.caCertPath), keepAlive: false });
    agents.set(sim.caCertPath, agent);
  }
  return agent;
}

/** node-ovh's signature: "$1$" + sha1(AS+CK+METHOD+URL+BODY+TIMESTAMP joined with "+"). */
function signature(
  appSecret: string,
  consumerKey: string,
  method: string,
  url: string,
  body: string,
  timestamp: number,
): string {
  return `$1$${createHash('sha1').update([appSecret, consumerKey, method, url, body, timestamp].join('+')).digest('hex')}`;
}

function headersFor(
  sim: SimAddress,
  r: RawRequest,
  method: string,
  fullPath: string,
  body: string,
): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...r.headers };
  if (body.length > 0) headers['Content-Length'] = String(Buffer.byteLength(body));
  if (r.sign === false) return headers;
  const appKey = r.appKey ?? sim.credentials.appKey;
  const consumerKey = r.consumerKey ?? sim.credentials.consumerKey;
  const timestamp = r.timestamp ?? Math.round(Date.now() / 1000);
  const secret = r.appSecret ?? sim.credentials.appSecret;
  return {
    ...headers,
    'X-Ovh-Application': appKey,
    'X-Ovh-Consumer': consumerKey,
    'X-Ovh-Timestamp': String(timestamp),
    'X-Ovh-Signature':
      r.signature ?? signature(secret, consumerKey, method, `https://${sim.host}${fullPath}`, body, timestamp),
  };
}

/** Sends one request and resolves with status, headers and body, whatever the status. */
export function rawRequest(sim: SimAddress, r: RawRequest): Promise<RawResponse> {
  const method = r.method ?? 'GET';
  const fullPath = `${r.basePath ?? sim.basePath}${r.path}`;
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const headers = headersFor(sim, r, method, fullPath, body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        servername: 'localhost',
        port: sim.port,
        method,
        path: fullPath,
        headers,
        agent: agentFor(sim),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A side-door call (`/_sim/...`), unsigned. */
export function simCall(sim: SimAddress, method: string, path: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(sim, { method, path, body, basePath: '', sign: false });
}
