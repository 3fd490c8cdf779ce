/**
 * HTTP plumbing: query IDs, body limits, dropped connections and latency faults, the base paths, the
 * unauthenticated auth routes, then authentication, rate limit, routing and the handler. Every answer
 * is JSON; anything unexpected becomes an OVH-shaped 500 rather than a crash.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuthStore, Identity, RateLimiter } from './auth';
import { badRequest, internalError, invalidUrl, methodNotAllowed, serviceExpired, SimHttpError } from './errors';
import type { Router } from './router';
import { splitPath } from './router';
import type { SideDoor } from './side-door';
import type { SimState } from './state';
import { parseBody } from './validation';

export interface ServerDeps {
  state: SimState;
  auth: AuthStore;
  limiter: RateLimiter;
  router: Router;
  sideDoor: SideDoor;
  maxBodyBytes: number;
  log?: (line: string) => void;
}

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  route: string;
  consumer: string | null;
}

const credentialSchema = z
  .object({
    accessRules: z
      .array(z.object({ method: z.enum(['GET', 'POST', 'PUT', 'DELETE']), path: z.string().min(1) }).strict())
      .min(1),
    redirection: z.string().optional(),
  })
  .strict();

const EMPTY = Buffer.alloc(0);

/** Reads the body; resolves undefined when it exceeds `limit` (the rest is drained and dropped). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(EMPTY);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', () => resolve(undefined));
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
}

function authRoutes(deps: ServerDeps, req: IncomingMessage, apiPath: string, raw: Buffer): Outcome | undefined {
  if (apiPath === '/auth/time') {
    if (req.method !== 'GET') throw methodNotAllowed(req.method ?? '');
    return { status: 200, body: deps.state.clock.apiTimeSeconds(), route: 'GET /auth/time', consumer: null };
  }
  if (apiPath === '/auth/credential') {
    if (req.method !== 'POST') throw methodNotAllowed(req.method ?? '');
    deps.auth.checkApplication(req);
    const body = parseBody(credentialSchema, parseJson(raw), 'creation');
    const consumerKey = deps.auth.addConsumer(body.accessRules);
    const validationUrl = `https://localhost/auth/sso/validate?credentialToken=${consumerKey.slice(0, 8)}`;
    return {
      status: 200,
      body: { consumerKey, state: 'validated', validationUrl },
      route: 'POST /auth/credential',
      consumer: null,
    };
  }
  return undefined;
}

const CURRENT_CREDENTIAL = '/auth/currentCredential';

/** `GET /auth/currentCredential` (`auth.ApiCredential`): the signing consumer key's access rules. */
function currentCredential(deps: ServerDeps, identity: Identity): Outcome {
  const rules = deps.auth.rulesOf(identity.consumer);
  // An OAuth2 token has no consumer key: OVH documents no credential for it.
  if (!rules) throw invalidUrl();
  const body = {
    applicationId: 1,
    credentialId: 1,
    creation: new Date(0).toISOString(),
    ovhSupport: false,
    rules,
    status: 'validated',
  };
  return { status: 200, body, route: `GET ${CURRENT_CREDENTIAL}`, consumer: identity.consumer };
}

/** Route template and caller, known as early as possible so failed calls are counted too. */
interface Trace {
  route: string;
  consumer: string | null;
}

/** Everything after the body is read: base path, auth, rate limit, route, handler. */
function dispatch(
  deps: ServerDeps,
  req: IncomingMessage,
  url: { raw: string; path: string; query: string },
  raw: Buffer,
  trace: Trace,
  /** The request's number, which seeded faults (http429) decide on. */
  seq: number,
): Outcome {
  const method = req.method ?? 'GET';
  const { path } = url;
  if (path === '/auth/oauth2/token' && method === 'POST') {
    const answer = deps.auth.issueToken(req.headers.authorization, new URLSearchParams(raw.toString('utf8')));
    return { ...answer, route: 'POST /auth/oauth2/token', consumer: null };
  }
  if (path === '/auth/oauth2/token') {
    throw methodNotAllowed(method);
  }
  const prefix = path.startsWith('/1.0/') ? 4 : path.startsWith('/v1/') ? 3 : -1;
  if (prefix < 0) throw invalidUrl();
  const apiPath = path.slice(prefix);
  const special = authRoutes(deps, req, apiPath, raw);
  if (special) return special;
  const match = deps.router.match(method, splitPath(apiPath));
  if (match.kind === 'found') trace.route = `${method} ${match.route.template}`;
  const identity: Identity = deps.auth.authenticate({
    method,
    rawUrl: url.raw,
    apiPath,
    headers: req.headers,
    body: raw,
  });
  trace.consumer = identity.consumer;
  const retryAfter = deps.limiter.check(identity.consumer) ?? (deps.state.faults.tooMany(seq) ? 1 : undefined);
  if (retryAfter !== undefined) {
    throw new SimHttpError(
      429,
      { class: 'Client::TooManyRequests', message: 'Too many requests' },
      { 'Retry-After': String(retryAfter) },
    );
  }
  if (apiPath === CURRENT_CREDENTIAL && method === 'GET') return currentCredential(deps, identity);
  if (match.kind === 'none') throw invalidUrl();
  if (match.kind === 'wrong-method') throw probeFault(deps, method, apiPath) ?? methodNotAllowed(method);
  const serviceName = match.params.serviceName;
  if (serviceName !== undefined && deps.state.faults.expired(serviceName)) throw serviceExpired(serviceName);
  const body = match.route.handler({
    method,
    params: match.params,
    query: new URLSearchParams(url.query),
    body: parseJson(raw),
    identity,
    state: deps.state,
  });
  return { status: 200, body, route: trace.route, consumer: identity.consumer };
}

/** The probe500 fault: route auto's GET .../reinstall answers 500 instead of 405. */
function probeFault(deps: ServerDeps, method: string, apiPath: string): SimHttpError | undefined {
  const probed = method === 'GET' ? /^\/dedicated\/server\/([^/]+)\/reinstall$/.exec(apiPath) : null;
  if (!probed?.[1] || !deps.state.faults.probe500(probed[1])) return undefined;
  return internalError('An internal server error occurred');
}

function answerError(error: unknown, deps: ServerDeps): Omit<Outcome, 'route' | 'consumer'> {
  if (error instanceof SimHttpError) return { status: error.status, body: error.body, headers: error.headers };
  deps.log?.(`unexpected simulator error: ${(error as Error)?.stack ?? String(error)}`);
  return {
    status: 500,
    body: { class: 'Server::InternalServerError', message: 'An internal error has occurred in the simulator' },
  };
}

/** The request listener of the simulator's HTTPS server. */
export function createRequestHandler(deps: ServerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  let sequence = 0;
  const instance = Date.now().toString(16);
  return (req, res) => {
    const seq = ++sequence;
    const started = Date.now();
    res.setHeader('X-Ovh-QueryID', `EU.sim-1.${instance}.${seq}`);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const sideDoor = path.startsWith('/_sim/');
    if (!sideDoor && deps.state.faults.drop(seq)) {
      req.socket.destroy();
      return;
    }
    void readBody(req, deps.maxBodyBytes).then(async (raw) => {
      if (sideDoor) return deps.sideDoor.handle(req, res, path, query, raw);
      const latency = deps.state.faults.config.latencyMs;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      let outcome: Outcome;
      const trace: Trace = { route: 'unmatched', consumer: null };
      try {
        if (raw === undefined) {
          throw new SimHttpError(413, {
            class: 'Client::RequestEntityTooLarge',
            message: `The request body is larger than ${deps.maxBodyBytes} bytes`,
          });
        }
        outcome = dispatch(deps, req, { raw: rawUrl, path, query }, raw, trace, seq);
      } catch (error) {
        outcome = { ...answerError(error, deps), ...trace };
      }
      send(res, outcome.status, outcome.body, outcome.headers);
      const entry = {
        at: new Date(started).toISOString(),
        method: req.method ?? '',
        path: rawUrl,
        route: outcome.route,
      };
      deps.state.traffic.record({
        ...entry,
        status: outcome.status,
        consumer: outcome.consumer,
        body: raw?.toString('utf8') ?? '',
        durationMs: Date.now() - started,
      });
      deps.log?.(`${entry.method} ${path} ${outcome.status} ${Date.now() - started}ms`);
    });
  };
}
