/**
 * OVH client settings: a plain object (config.ts builds it from OVH_* variables; tests build it from the
 * simulator), parsed with zod into the options node-ovh takes. Nothing here reads process.env.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { z } from 'zod';

/** OVH's regional API endpoints with their OAuth2 token URLs (node-ovh knows the same ones). */
export const NAMED_ENDPOINTS = {
  'ovh-eu': { host: 'eu.api.ovh.com', tokenURL: 'https://www.ovh.com/auth/' },
  'ovh-ca': { host: 'ca.api.ovh.com', tokenURL: 'https://ca.ovh.com/auth/' },
  'ovh-us': { host: 'api.us.ovhcloud.com', tokenURL: 'https://us.ovhcloud.com/auth/' },
} as const;

export const ovhSettingsSchema = z
  .object({
    /** `ovh-eu`, `ovh-ca`, `ovh-us`, or a URL `https://host:port/1.0` (the simulator, a proxy). */
    endpoint: z.string().min(1),
    appKey: z.string().min(1).optional(),
    appSecret: z.string().min(1).optional(),
    consumerKey: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    /** A PEM file of extra certificate authorities to trust for the API (a proxy's or the simulator's). */
    caFile: z.string().min(1).optional(),
    /** Each call fails with a timeout after this long; default 30 s. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** OVH clock minus local clock, when known; otherwise the client asks `GET /auth/time` once. */
    apiTimeDiffSeconds: z.number().int().optional(),
  })
  // Unknown keys are dropped so config.ts's OvhConfig (which also carries rateLimit) can be passed as is.
  .strip();

export type OvhSettings = z.input<typeof ovhSettingsSchema>;

/** Invalid OVH settings; the message names the setting and the fix. */
export class OvhSettingsError extends Error {
  override name = 'OvhSettingsError';
}

/** What node-ovh's constructor takes (the subset we use). */
export interface NodeOvhOptions {
  host: string;
  port: number;
  basePath: string;
  appKey?: string;
  appSecret?: string;
  consumerKey?: string;
  clientID?: string;
  clientSecret?: string;
  tokenURL?: string;
}

export interface ResolvedEndpoint {
  host: string;
  port: number;
  basePath: string;
  tokenURL: string;
}

/** An endpoint name or URL into host, port, base path and OAuth2 token URL. */
export function resolveEndpoint(endpoint: string): ResolvedEndpoint {
  const named = NAMED_ENDPOINTS[endpoint as keyof typeof NAMED_ENDPOINTS];
  if (named) return { host: named.host, port: 443, basePath: '/1.0', tokenURL: named.tokenURL };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new OvhSettingsError(
      `OVH_ENDPOINT "${endpoint}" is neither an endpoint name (${Object.keys(NAMED_ENDPOINTS).join(', ')}) nor a URL like https://eu.api.ovh.com/1.0.`,
    );
  }
  if (url.protocol !== 'https:') {
    throw new OvhSettingsError(`OVH_ENDPOINT "${endpoint}" must use https: the OVH client only speaks HTTPS.`);
  }
  const port = url.port ? Number(url.port) : 443;
  const basePath = url.pathname.replace(/\/+$/, '') || '/1.0';
  // OVH's token hosts differ from its API hosts (www.ovh.com for eu.api.ovh.com) and are known for named
  // endpoints only; a URL endpoint (the simulator) must serve the token route under /auth/ on its own host.
  return { host: url.hostname, port, basePath, tokenURL: `https://${url.host}/auth/` };
}

/** Parses settings and checks that exactly one complete credential set is present. */
export function parseOvhSettings(settings: OvhSettings): z.output<typeof ovhSettingsSchema> {
  const parsed = ovhSettingsSchema.safeParse(settings);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`);
    throw new OvhSettingsError(`The OVH settings are not valid: ${lines.join('; ')}.`);
  }
  const s = parsed.data;
  const hasKeys = Boolean(s.appKey || s.appSecret || s.consumerKey);
  const hasOauth = Boolean(s.clientId || s.clientSecret);
  if (hasKeys && hasOauth) {
    throw new OvhSettingsError(
      'Both OVH application keys and OAuth2 client credentials are set: keep either OVH_APPLICATION_KEY/OVH_APPLICATION_SECRET/OVH_CONSUMER_KEY or OVH_CLIENT_ID/OVH_CLIENT_SECRET.',
    );
  }
  if (hasOauth && !(s.clientId && s.clientSecret)) {
    throw new OvhSettingsError('OAuth2 needs both OVH_CLIENT_ID and OVH_CLIENT_SECRET.');
  }
  if (!hasOauth && !(s.appKey && s.appSecret && s.consumerKey)) {
    throw new OvhSettingsError(
      'OVH credentials are missing: set OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY, or OVH_CLIENT_ID and OVH_CLIENT_SECRET.',
    );
  }
  return s;
}

/** node-ovh constructor options for parsed settings. */
export function toNodeOvhOptions(s: z.output<typeof ovhSettingsSchema>): NodeOvhOptions {
  const { host, port, basePath, tokenURL } = resolveEndpoint(s.endpoint);
  // No node-ovh `timeout`: it adds a 'timeout' listener to the socket on every request, and keep-alive
  // sockets are reused, so listeners pile up without bound. OvhClient runs its own timer instead.
  const base = { host, port, basePath };
  if (s.clientId) return { ...base, clientID: s.clientId, clientSecret: s.clientSecret, tokenURL };
  return { ...base, appKey: s.appKey, appSecret: s.appSecret, consumerKey: s.consumerKey };
}

const trustedExtraCas = new Set<string>();

/**
 * Trusts the CA in `caFile` for API calls: node-ovh uses https.globalAgent, so the CA is added there,
 * next to Node's bundled roots (setting `ca` replaces the default list). Process-wide by nature.
 * OAuth2 token requests go through simple-oauth2's own agent; OvhClient points it at https.globalAgent when
 * a CA file is set. Setting NODE_EXTRA_CA_CERTS=<caFile> at process start also works for both; a process
 * that has both calls keepStartupCas first, or the new context would drop NODE_EXTRA_CA_CERTS's CAs.
 */
export function trustCaFile(caFile: string): void {
  const pem = readCaFile(caFile, 'OVH_CA_FILE');
  if (trustedExtraCas.has(pem)) return;
  trustedExtraCas.add(pem);
  useTrustedCas();
}

/**
 * One secure context for every connection: with `ca` in the agent's options, Node would parse every
 * bundled root again for each new socket (a large share of a busy worker's CPU) and copy them into every
 * agent pool key.
 */
function useTrustedCas(): void {
  https.globalAgent.options.secureContext = tls.createSecureContext({ ca: trustedCas() });
}

/**
 * Keeps the CAs Node trusted at start (NODE_EXTRA_CA_CERTS, which Node reads before any code runs and no
 * API lists) in every secure context trustCaFile builds, so an image host signed by one of them stays
 * trusted once OVH_CA_FILE is set.
 */
export function keepStartupCas(nodeExtraCaCerts: string | undefined): void {
  if (!nodeExtraCaCerts) return;
  trustedExtraCas.add(readCaFile(nodeExtraCaCerts, 'NODE_EXTRA_CA_CERTS'));
  // Built now: a later trustCaFile of the same file finds it trusted and builds nothing.
  useTrustedCas();
}

function readCaFile(file: string, variable: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new OvhSettingsError(
      `${variable} "${file}" cannot be read (${(error as Error).message}); point it at a PEM file.`,
    );
  }
}

/** Node's bundled roots plus every CA file trusted so far. */
export function trustedCas(): string[] {
  return [...tls.rootCertificates, ...trustedExtraCas];
}
