/**
 * A typed client over `@ovhcloud/node-ovh`: every call waits for the rate budget, runs under our own
 * timeout, and its answer is checked with a zod schema. Errors become OvhApiError with OVH's class (read
 * from the raw body through node-ovh's debug hook, which drops it otherwise) and query ID.
 *
 * Clock skew: in AK/AS/CK mode node-ovh asks `GET /auth/time` once and signs with OVH's clock. When OVH
 * later refuses a signature (the local clock jumped), the client forgets the offset and retries once.
 */
import https from 'node:https';
import querystring from 'node:querystring';
import { setTimeout as delay } from 'node:timers/promises';
import createNodeOvh from '@ovhcloud/node-ovh';
import type { ZodType } from 'zod';
import type { Logger } from '../observability/logger';
import { noMetrics, type ReimageMetrics } from '../observability/metrics';
import { AccountHealth, type AccountHealthOptions, type Outage } from './account-health';
import { readAccessRules, type AccessRule, type SigningOptions } from './current-credential';
import { OvhAccountUnreachableError, OvhApiError, OvhErrorKind } from './errors';
import type { RateBudget, RatePriority } from './rate-budget';
import { installResponseCapture, takeCapturedResponse, type CapturedResponse } from './response-capture';
import { toOvhApiError, type RawFailure } from './raw-failure';
import { parseOvhSettings, toNodeOvhOptions, trustCaFile, trustedCas, type OvhSettings } from './settings';
import { DEFAULT_ACCOUNT } from '../shared/task-queues';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One API call: the path below the base path, query (GET/DELETE) or body (POST/PUT), and the schema of
 * the answer. */
export interface OvhRequest<T> {
  method: HttpMethod;
  path: string;
  /** Path template for metrics and logs, e.g. `/dedicated/server/{serviceName}/task/{taskId}`. */
  route: string;
  query?: Record<string, string | number | undefined>;
  body?: Record<string, unknown>;
  schema: ZodType<T>;
}

/** Anything that performs OVH calls: the client itself or a counting session. */
export interface OvhCaller {
  request<T>(request: OvhRequest<T>): Promise<T>;
}

/** How one call is sent: its counter, its class in the rate budget, and the signal that cancels it. */
interface Sending {
  onCalls?: (count: number) => void;
  priority: RatePriority;
  signal?: AbortSignal;
}

export interface OvhClientOptions {
  /** The OVH account's name (the accounts file's; `default` for the OVH_* variables), for messages. */
  account?: string;
  rateBudget?: RateBudget;
  metrics?: ReimageMetrics;
  logger?: Logger;
  /** How many times a read refused with 429 is sent again before the error reaches the activity; default 4. */
  rateLimitedReadRetries?: number;
  /** When the account counts as unreachable (account-health.ts). */
  health?: AccountHealthOptions;
}

/** How long all calls pause after a 429 without Retry-After (OVH documents no value). */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 10_000;
const DEFAULT_RATE_LIMITED_READ_RETRIES = 4;

interface CapturedBody {
  method: string;
  path: string;
  body: string;
}

/** The OVH API client one worker shares between all activities. */
export class OvhClient implements OvhCaller {
  /** Every HTTP request sent, including node-ovh's own `GET /auth/time`. */
  totalCalls = 0;
  /** The configured endpoint (`ovh-eu`, or a URL): what caches of per-server facts are keyed by. */
  readonly endpoint: string;
  /** The OVH account's name, for messages (`default` for the OVH_* variables). */
  readonly account: string;
  private readonly health: AccountHealth;
  private readonly ovh: createNodeOvh.Ovh;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  private readonly oauth: boolean;
  private readonly signing?: SigningOptions;
  private readonly metrics: ReimageMetrics;
  private lastBody?: CapturedBody;

  constructor(
    settings: OvhSettings,
    private readonly options: OvhClientOptions = {},
  ) {
    const parsed = parseOvhSettings(settings);
    this.endpoint = parsed.endpoint;
    this.account = options.account ?? DEFAULT_ACCOUNT;
    this.health = new AccountHealth(options.health);
    if (parsed.caFile) trustCaFile(parsed.caFile);
    const nodeOptions = toNodeOvhOptions(parsed);
    this.basePath = nodeOptions.basePath;
    this.timeoutMs = parsed.requestTimeoutMs;
    this.oauth = Boolean(nodeOptions.clientID);
    const { appKey, appSecret, consumerKey } = nodeOptions;
    if (appKey && appSecret && consumerKey) this.signing = { ...nodeOptions, appKey, appSecret, consumerKey };
    this.metrics = options.metrics ?? noMetrics;
    installResponseCapture();
    this.ovh = createNodeOvh({ ...nodeOptions, debug: (...args: unknown[]) => this.onDebug(args) });
    // node-ovh reads `apiTimeDiff || null`, so a known offset of 0 must be set after construction.
    if (parsed.apiTimeDiffSeconds !== undefined) this.ovh.apiTimeDiff = parsed.apiTimeDiffSeconds;
    if (this.oauth && parsed.caFile) this.sendTokenRequestsWithCaFile();
  }

  /**
   * simple-oauth2 (inside node-ovh) uses its own HTTPS agent, which ignores OVH_CA_FILE. When a CA file is
   * set, the token client is rebuilt from node-ovh's own OAuth2 config with a fresh agent trusting the same
   * CAs as https.globalAgent. It must be fresh: simple-oauth2 deep-copies its options, and a copied agent
   * with live sockets breaks. Token requests are hourly, so that agent does not keep connections alive.
   * Without a CA file nothing changes (NODE_EXTRA_CA_CERTS, read at process start, applies to both).
   */
  private sendTokenRequestsWithCaFile(): void {
    const internals = this.ovh as unknown as { oauthClient: object; oauthConfig: Record<string, unknown> };
    const TokenClient = internals.oauthClient.constructor as new (config: Record<string, unknown>) => object;
    const agent = new https.Agent({ ca: trustedCas(), keepAlive: false });
    internals.oauthClient = new TokenClient({ ...internals.oauthConfig, http: { agent } });
  }

  /** A view of this client that counts the calls made through it (one per activity invocation); its calls
   * wait in the rate budget's `priority` class (polls `high`, admissions `low`; see rate-budget.ts). Once
   * `signal` aborts (the activity is cancelled or timed out), it sends nothing more, a call waiting in the
   * budget included: a timed-out attempt's POST never lands after its retry has started. */
  session(priority: RatePriority = 'normal', signal?: AbortSignal): OvhSession {
    return new OvhSession(this, priority, signal);
  }

  /** OVH's clock minus the local clock, in seconds (0 until known, and in OAuth2 mode). */
  apiTimeDiffSeconds(): number {
    return this.ovh.apiTimeDiff ?? 0;
  }

  /** The consumer key's access rules (`GET /auth/currentCredential`); undefined in OAuth2 mode, where OVH
   * offers no such read (the token's rights live in IAM policies). */
  async accessRules(): Promise<AccessRule[] | undefined> {
    if (!this.signing) return undefined;
    this.totalCalls += 1;
    return readAccessRules(this.signing, this.apiTimeDiffSeconds(), this.timeoutMs);
  }

  async request<T>(
    request: OvhRequest<T>,
    onCalls?: (count: number) => void,
    priority: RatePriority = 'normal',
    signal?: AbortSignal,
  ): Promise<T> {
    const sending = { onCalls, priority, signal };
    try {
      return await this.sendReads(request, sending);
    } catch (error) {
      if (!this.isClockRejection(error)) throw error;
      this.options.logger?.warn('OVH refused a signature; resynchronising with GET /auth/time.', {
        method: request.method,
        route: request.route,
      });
      this.ovh.apiTimeDiff = null;
      return this.sendReads(request, sending);
    }
  }

  /**
   * A GET refused with 429 is sent again once the pause it caused is over (the budget holds it; without a
   * budget, after Retry-After), a few times, before the error reaches the activity. Without this, a
   * budget set above OVH's real limit turns most calls into 429s and a preflight of six reads runs out of
   * activity attempts (RELIABILITY.md, "OVH 429"). Writes are never resent here: whether a refused POST
   * took effect is for the activity to find out (startDeployment's checkpoint).
   */
  private async sendReads<T>(request: OvhRequest<T>, sending: Sending): Promise<T> {
    const retries =
      request.method === 'GET' ? (this.options.rateLimitedReadRetries ?? DEFAULT_RATE_LIMITED_READ_RETRIES) : 0;
    for (let refusals = 0; ; refusals += 1) {
      try {
        return await this.send(request, sending);
      } catch (error) {
        if (!(error instanceof OvhApiError) || error.status !== 429 || refusals >= retries) throw error;
        if (!this.options.rateBudget) await delay(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
      }
    }
  }

  private async send<T>(request: OvhRequest<T>, { onCalls, priority, signal }: Sending): Promise<T> {
    // An account that answers nothing gets one probe at a time; the other calls fail without waiting.
    const refused = this.health.refusal(Date.now());
    if (refused) throw this.unreachable(refused);
    // The first signed call also costs node-ovh's GET /auth/time.
    const count = !this.oauth && this.ovh.apiTimeDiff === null ? 2 : 1;
    signal?.throwIfAborted();
    const grant = await this.options.rateBudget?.acquire(count, priority, signal);
    if (signal?.aborted) {
      // Cancelled as the slot came: the slot is spent, the call is not sent.
      grant?.answered();
      throw signal.reason;
    }
    this.totalCalls += count;
    onCalls?.(count);
    const fullPath = this.fullPath(request);
    const startedAt = Date.now();
    let raw: unknown;
    try {
      raw = await this.call(request, fullPath).finally(() => grant?.answered());
    } catch (failure) {
      const error = toOvhApiError(failure as RawFailure, request.method, request.path);
      this.recordFailure(request, error, Date.now() - startedAt);
      const now = Date.now();
      this.health.failed(error, now);
      const outage = this.health.outage(now);
      throw outage ? this.unreachable(outage) : error;
    }
    this.health.answered();
    this.metrics.ovhCall(request.route, request.method, 200);
    this.options.logger?.debug('OVH call', {
      method: request.method,
      route: request.route,
      ms: Date.now() - startedAt,
    });
    return this.validate(request, raw);
  }

  private call(request: OvhRequest<unknown>, fullPath: string): Promise<unknown> {
    const params = withoutEmpty(request.method === 'GET' || request.method === 'DELETE' ? request.query : request.body);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (error: RawFailure | undefined, response?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(response);
      };
      // Our own timer (node-ovh's socket timeout leaks listeners on keep-alive sockets, see settings.ts); it
      // also covers a stalled TLS handshake or token request. A timed-out request is abandoned, not aborted.
      const timer = setTimeout(() => settle({ timeoutMs: this.timeoutMs }), this.timeoutMs);
      const callback = (error: unknown, response: unknown) => {
        // Synchronous with node-ovh's debug hook and the diagnostics channel: the captures are this call's.
        const body = this.takeBody(request.method, fullPath);
        const captured: CapturedResponse | undefined = takeCapturedResponse(request.method, fullPath);
        if (error === null || error === undefined) settle(undefined, response);
        else settle({ error, message: response, rawBody: body, captured });
      };
      this.ovh.request(request.method, request.path, params, callback).catch((error: unknown) => settle({ error }));
    });
  }

  private validate<T>(request: OvhRequest<T>, raw: unknown): T {
    const parsed = request.schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new OvhApiError({
      kind: OvhErrorKind.InvalidResponse,
      method: request.method,
      path: request.path,
      status: 200,
      ovhMessage: issues.join('; '),
    });
  }

  private recordFailure(request: OvhRequest<unknown>, error: OvhApiError, ms: number): void {
    this.metrics.ovhCall(request.route, request.method, error.status ?? 'network');
    if (error.status === 429) this.options.rateBudget?.pauseFor(error.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
    this.options.logger?.warn('OVH call failed', {
      method: request.method,
      route: request.route,
      ms,
      ...error.toDetails(),
    });
  }

  private unreachable(outage: Outage): OvhAccountUnreachableError {
    return new OvhAccountUnreachableError(this.account, this.endpoint, outage.sinceMs, outage.last);
  }

  private isClockRejection(error: unknown): boolean {
    if (this.oauth || !(error instanceof OvhApiError) || error.status !== 400) return false;
    return (
      error.errorCode === 'INVALID_SIGNATURE' ||
      error.errorCode === 'QUERY_TIME_OUT' ||
      /signature|out of time/i.test(error.ovhMessage)
    );
  }

  private fullPath(request: OvhRequest<unknown>): string {
    const query = request.method === 'GET' || request.method === 'DELETE' ? withoutEmpty(request.query) : {};
    const search =
      Object.keys(query).length > 0 ? `?${querystring.stringify(query as querystring.ParsedUrlQueryInput)}` : '';
    return `${this.basePath}${request.path}${search}`;
  }

  /** node-ovh's debug hook. Only responses are kept: the '[OVH] API call:' line carries the request body,
   * which holds secrets, and is dropped. */
  private onDebug(args: unknown[]): void {
    if (args[0] !== '[OVH] API response to') return;
    this.lastBody = { method: String(args[1]), path: String(args[2]), body: String(args[4] ?? '') };
  }

  private takeBody(method: string, path: string): string | undefined {
    const captured = this.lastBody;
    this.lastBody = undefined;
    return captured && captured.method === method && captured.path === path ? captured.body : undefined;
  }
}

/** Counts the calls one activity invocation makes (for `apiCalls` in every activity result). */
export class OvhSession implements OvhCaller {
  calls = 0;

  constructor(
    readonly client: OvhClient,
    private readonly priority: RatePriority = 'normal',
    private readonly signal?: AbortSignal,
  ) {}

  request<T>(request: OvhRequest<T>): Promise<T> {
    return this.client.request(
      request,
      (count) => {
        this.calls += count;
      },
      this.priority,
      this.signal,
    );
  }
}

/** A copy without null/undefined values (node-ovh drops them too; the query string must match). */
function withoutEmpty(params: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params ?? {}).filter(([, value]) => value !== undefined && value !== null));
}
