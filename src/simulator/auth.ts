/**
 * Authentication exactly as OVH checks it (docs/ovh-api.md §2.3): application key, then the presence of the
 * signing headers, the signature over the raw request, the timestamp window, the consumer key and its
 * access rules. OAuth2 bearer tokens (client credentials) are accepted instead of a signature.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SimClock } from './clock';
import { authError, SimHttpError } from './errors';
import { globPattern } from '../shared/glob';
import { iamActionOf, iamAllows } from './iam';

export interface AccessRule {
  method: string;
  /** A path below the base path; `*` matches anything, including slashes. */
  path: string;
}

export interface Credentials {
  appKey: string;
  appSecret: string;
  consumerKey: string;
  clientId: string;
  clientSecret: string;
}

/** Who made a call: a consumer key, or `oauth2:<clientId>`. */
export interface Identity {
  consumer: string;
}

/** The parts of a request that authentication looks at. */
export interface SignedRequest {
  method: string;
  /** The raw path and query exactly as received. */
  rawUrl: string;
  /** The path below the base path, without query, for access rules. */
  apiPath: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const ALL_RULES: AccessRule[] = ['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ method, path: '/*' }));
const READ_ONLY_RULES: AccessRule[] = [{ method: 'GET', path: '/*' }];

export interface GrantOptions {
  /** The fleet's consumer key is granted `GET /*` only. */
  readOnlyKey?: boolean;
  /** IAM actions the OAuth2 client's policy grants (`*` wildcards); default every action. */
  iamActions?: readonly string[];
}
/** Tokens live one hour, like OVH's. */
const TOKEN_LIFETIME_S = 3600;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const rulePatterns = new Map<string, RegExp>();

/** Whether an access rule (`*` glob) allows the call; compiled patterns are cached for the hot path. */
function ruleMatches(rule: AccessRule, method: string, path: string): boolean {
  if (rule.method !== method) return false;
  if (rule.path === '/*') return true;
  let pattern = rulePatterns.get(rule.path);
  if (!pattern) {
    pattern = globPattern(rule.path);
    rulePatterns.set(rule.path, pattern);
  }
  return pattern.test(path);
}

export class AuthStore {
  private consumers = new Map<string, AccessRule[]>();
  private tokens = new Map<string, { clientId: string; expiresAt: number }>();

  constructor(
    readonly credentials: Credentials,
    private readonly clock: SimClock,
    private readonly canonicalHost: string,
    private readonly maxSkewSeconds: number,
    private readonly grants: GrantOptions = {},
  ) {
    this.consumers.set(credentials.consumerKey, this.fleetKeyRules());
  }

  private fleetKeyRules(): AccessRule[] {
    return this.grants.readOnlyKey ? READ_ONLY_RULES : ALL_RULES;
  }

  /** The access rules of a consumer key, as `GET /auth/currentCredential` lists them. */
  rulesOf(consumerKey: string): AccessRule[] | undefined {
    return this.consumers.get(consumerKey);
  }

  /** Registers a consumer key limited to `rules` (what `POST /auth/credential` does); returns the key. */
  addConsumer(rules: AccessRule[]): string {
    const key = randomBytes(16).toString('hex');
    this.consumers.set(key, rules);
    return key;
  }

  /** Revokes a consumer key: its calls then get INVALID_CREDENTIAL. */
  revokeConsumer(key: string): void {
    this.consumers.delete(key);
  }

  /** Checks a request in OVH's order; throws the OVH error answer, or returns who called. */
  authenticate(req: SignedRequest): Identity {
    const bearer = /^Bearer (.+)$/.exec(header(req.headers, 'authorization') ?? '');
    if (bearer && !header(req.headers, 'x-ovh-application')) return this.checkToken(bearer[1] as string, req);
    this.checkApplication(req);
    const consumer = header(req.headers, 'x-ovh-consumer');
    const signature = header(req.headers, 'x-ovh-signature');
    const timestamp = header(req.headers, 'x-ovh-timestamp');
    if (!consumer || !signature || !timestamp) {
      throw new SimHttpError(401, { class: 'Client::Unauthorized', message: 'You must login first' });
    }
    this.checkSignature(req, consumer, signature, timestamp);
    const rules = this.consumers.get(consumer);
    if (!rules) throw authError(403, 'Client::Forbidden', 'INVALID_CREDENTIAL', 'This credential is not valid');
    this.checkRules(rules, req);
    return { consumer };
  }

  /** For `POST /auth/credential`: only the application key is checked. */
  checkApplication(req: Pick<SignedRequest, 'headers'>): void {
    if (header(req.headers, 'x-ovh-application') !== this.credentials.appKey) {
      throw authError(403, 'Client::Forbidden', 'INVALID_KEY', 'This application key is invalid');
    }
  }

  private checkSignature(req: SignedRequest, consumer: string, signature: string, timestamp: string): void {
    const hash = createHash('sha1');
    hash.update(`${this.credentials.appSecret}+${consumer}+${req.method}+https://${this.canonicalHost}${req.rawUrl}+`);
    hash.update(req.body);
    hash.update(`+${timestamp}`);
    const expected = Buffer.from(`$1$${hash.digest('hex')}`);
    const given = Buffer.from(signature);
    const invalid = () => authError(400, 'Client::BadRequest', 'INVALID_SIGNATURE', 'Invalid signature');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    const skew = Math.abs(Number(timestamp) - this.clock.apiTimeSeconds());
    if (!Number.isFinite(skew) || skew > this.maxSkewSeconds) throw invalid();
  }

  private checkRules(rules: AccessRule[], req: SignedRequest): void {
    if (!rules.some((rule) => ruleMatches(rule, req.method, req.apiPath))) {
      throw authError(403, 'Client::Forbidden', 'NOT_GRANTED_CALL', 'This call has not been granted');
    }
  }

  private checkToken(token: string, req: SignedRequest): Identity {
    const entry = this.tokens.get(token);
    if (!entry || entry.expiresAt < Date.now()) {
      throw authError(401, 'Client::Unauthorized', 'INVALID_CREDENTIAL', 'This credential is not valid');
    }
    this.checkIam(req);
    return { consumer: `oauth2:${entry.clientId}` };
  }

  /** OVH's IAM refusal: 403 with the missing action in `details.unauthorizedActionsByIAM`. */
  private checkIam(req: SignedRequest): void {
    const action = iamActionOf(req.method, req.apiPath);
    if (iamAllows(this.grants.iamActions ?? ['*'], action)) return;
    const refusal = authError(403, 'Client::Forbidden', 'NOT_GRANTED_CALL', 'This call has not been granted');
    refusal.body.details = { unauthorizedActionsByIAM: action };
    throw refusal;
  }

  /** `POST /auth/oauth2/token` (client credentials): OAuth2-shaped answer and status. */
  issueToken(authorization: string | undefined, form: URLSearchParams): { status: number; body: unknown } {
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    const basic = /^Basic (.+)$/.exec(authorization ?? '');
    if (basic) {
      const [user, ...rest] = Buffer.from(basic[1] as string, 'base64')
        .toString('utf8')
        .split(':');
      [id, secret] = [decode(user ?? ''), decode(rest.join(':'))];
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' },
      };
    }
    if (id !== this.credentials.clientId || secret !== this.credentials.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
    }
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, { clientId: id, expiresAt: Date.now() + TOKEN_LIFETIME_S * 1000 });
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: 'all' },
    };
  }

  /** Forgets tokens and extra consumer keys. */
  reset(): void {
    this.tokens.clear();
    this.consumers = new Map([[this.credentials.consumerKey, this.fleetKeyRules()]]);
  }
}

/** The most calls one consumer made within `windowMs`, over every window start (sliding). */
export interface BusiestWindow {
  windowMs: number;
  byConsumer: Record<string, number>;
}

/** OVH's fair-use period, the window of the busiest-window count when no limit is configured. */
const FAIR_USE_WINDOW_MS = 60_000;

/**
 * Fixed-window request limit per consumer (off unless configured). Limit or not, it also keeps each
 * consumer's busiest sliding window of the limit's period: a client that promises N per period must show
 * at most N there, whichever moment a window starts at (OVH does not document where its windows start).
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  /** Each consumer's calls within the last window, oldest first. */
  private recent = new Map<string, number[]>();
  private peaks: Record<string, number> = {};
  private readonly windowMs: number;

  constructor(private readonly limit: { requests: number; perMs: number } | undefined) {
    this.windowMs = limit?.perMs ?? FAIR_USE_WINDOW_MS;
  }

  /** Counts a call; returns the seconds to wait when the consumer is over its limit. */
  check(consumer: string, now = Date.now()): number | undefined {
    this.track(consumer, now);
    if (!this.limit) return undefined;
    let w = this.windows.get(consumer);
    if (!w || now - w.start >= this.limit.perMs) {
      w = { start: now, count: 0 };
      this.windows.set(consumer, w);
    }
    w.count++;
    if (w.count <= this.limit.requests) return undefined;
    return Math.max(1, Math.ceil((w.start + this.limit.perMs - now) / 1000));
  }

  busiestWindow(): BusiestWindow {
    return { windowMs: this.windowMs, byConsumer: { ...this.peaks } };
  }

  reset(): void {
    this.windows.clear();
    this.recent.clear();
    this.peaks = {};
  }

  /** The window ending now is (now - windowMs, now], as `check` starts a new window one period on. */
  private track(consumer: string, now: number): void {
    const calls = this.recent.get(consumer) ?? [];
    this.recent.set(consumer, calls);
    while (calls.length > 0 && calls[0]! <= now - this.windowMs) calls.shift();
    calls.push(now);
    this.peaks[consumer] = Math.max(this.peaks[consumer] ?? 0, calls.length);
  }
}
