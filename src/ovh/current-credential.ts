/**
 * `GET /auth/currentCredential`: the access rules of the consumer key the client signs with. node-ovh sends
 * every path containing `/auth` unsigned (docs/ovh-api.md §4.3), and OVH answers this one only when signed,
 * so it is signed here the way node-ovh signs other calls: `$1$` + SHA-1 of
 * `AS+CK+METHOD+URL+BODY+TIMESTAMP`.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import { z } from 'zod';
import { OvhApiError, OvhErrorKind } from './errors';
import { toOvhApiError } from './raw-failure';
import type { NodeOvhOptions } from './settings';

const PATH = '/auth/currentCredential';

/** One access rule of a consumer key: an HTTP method and a path pattern where `*` matches anything. */
export interface AccessRule {
  method: string;
  path: string;
}

const credentialSchema = z.object({
  rules: z.array(z.object({ method: z.string(), path: z.string() })),
  status: z.string().optional(),
});

/** The keys and endpoint of an application-key client (node-ovh's options). */
export type SigningOptions = Required<Pick<NodeOvhOptions, 'appKey' | 'appSecret' | 'consumerKey'>> &
  Pick<NodeOvhOptions, 'host' | 'port' | 'basePath'>;

function signature(keys: SigningOptions, url: string, timestamp: number): string {
  const text = `${keys.appSecret}+${keys.consumerKey}+GET+${url}++${timestamp}`;
  return `$1$${createHash('sha1').update(text).digest('hex')}`;
}

/** The consumer key's access rules; `apiTimeDiffSeconds` is OVH's clock minus the local one. */
export function readAccessRules(
  keys: SigningOptions,
  apiTimeDiffSeconds: number,
  timeoutMs: number,
): Promise<AccessRule[]> {
  const path = `${keys.basePath}${PATH}`;
  const timestamp = Math.round(Date.now() / 1000) + apiTimeDiffSeconds;
  const headers = {
    'X-Ovh-Application': keys.appKey,
    'X-Ovh-Consumer': keys.consumerKey,
    'X-Ovh-Timestamp': String(timestamp),
    'X-Ovh-Signature': signature(keys, `https://${keys.host}${path}`, timestamp),
  };
  return new Promise((resolve, reject) => {
    const req = https.request({ host: keys.host, port: keys.port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 400) return reject(toOvhApiError({ error: status, rawBody: body }, 'GET', PATH));
        try {
          resolve(credentialSchema.parse(JSON.parse(body)).rules);
        } catch {
          reject(invalidAnswer());
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer after ${timeoutMs} ms`)));
    req.on('error', (error) => reject(toOvhApiError({ error }, 'GET', PATH)));
    req.end();
  });
}

function invalidAnswer(): OvhApiError {
  return new OvhApiError({
    kind: OvhErrorKind.InvalidResponse,
    method: 'GET',
    path: PATH,
    status: 200,
    ovhMessage: 'the answer has no rules list',
  });
}
