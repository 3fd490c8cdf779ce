/**
 * Property-based tests of the simulator's request handling: random methods, paths (dot segments, encoded
 * slashes, broken percent escapes), bodies (JSON, garbage), headers and signatures. Whatever arrives, the
 * simulator answers without a 500, answers every 4xx with an OVH-shaped {class, message} body, never
 * crashes, and keeps serving the real API afterwards.
 */
import fc from 'fast-check';
import type { Simulator } from '../../src/simulator';
import { rawRequest, type RawResponse } from './raw-request';
import { startTestSimulator } from '../helpers/simulator';

let sim: Simulator;
let server: string;

beforeAll(async () => {
  sim = await startTestSimulator({ maxBodyBytes: 16 * 1024 });
  server = sim.servers[0] as string;
});
afterAll(() => sim.close());

/** Methods Node's HTTP parser accepts as ordinary requests (CONNECT would switch the socket to a tunnel). */
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');

/** One path segment: real route words, dot segments, encoded and broken escapes, arbitrary encoded text. */
const segment = fc.oneof(
  fc.constantFrom('dedicated', 'server', 'reinstall', 'task', 'install', 'compatibleTemplates', 'boot'),
  fc.constantFrom('bringYourOwnImage', 'specifications', 'hardware', 'auth', 'time', 'credential', '1000001'),
  fc.constantFrom('..', '.', '', '%2E%2E', '%2F', '..%2F..', '%00', '%', '%zz', '%E0%A4%A', '~', ';', '*'),
  fc.constant('{serviceName}').map(() => 'SERVER'),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.fullUnicodeString({ maxLength: 6 }).map(encodeURIComponent),
);

const path = fc
  .record({
    segments: fc.array(segment, { minLength: 0, maxLength: 6 }),
    query: fc.option(fc.string({ maxLength: 20 }).map(encodeURIComponent), { nil: undefined }),
  })
  .map(({ segments, query }) => `/${segments.join('/')}${query === undefined ? '' : `?${query}`}`);

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.object({ maxDepth: 2 }),
  fc.record({ operatingSystem: fc.constantFrom('byoi_64', 'debian12_64', ''), customizations: fc.anything() }),
);

/** Header names and values an HTTP client can send; X-Ovh-* ones tamper with the signature scheme. */
const headers = fc.dictionary(
  fc.oneof(
    fc.constantFrom('X-Ovh-Timestamp', 'X-Ovh-Signature', 'X-Ovh-Application', 'X-Ovh-Consumer', 'Authorization'),
    fc.stringMatching(/^X-[A-Za-z0-9-]{1,12}$/),
  ),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((v) => v.trim()),
  { maxKeys: 4 },
);

const request = fc.record({
  method,
  path,
  body,
  headers,
  sign: fc.boolean(),
  basePath: fc.constantFrom('/1.0', '/v1', '', '/2.0', '/1.0/'),
});

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

function send(r: Request): Promise<RawResponse> {
  // A signed request must not carry an X-Ovh-* override of the same header, or it is simply unsigned.
  const extra = r.sign ? Object.fromEntries(Object.entries(r.headers).filter(([k]) => !/^x-ovh-/i.test(k))) : r.headers;
  return rawRequest(sim, {
    method: r.method,
    path: r.path.replace('SERVER', server),
    body: r.body,
    headers: extra,
    sign: r.sign,
    basePath: r.basePath,
  });
}

function isOvhErrorBody(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { class: klass, message } = value as Record<string, unknown>;
  return typeof klass === 'string' && klass.length > 0 && typeof message === 'string' && message.length > 0;
}

describe('simulator request handling under random input', () => {
  it('never answers 500 and answers every 4xx with an OVH-shaped {class, message} body', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await send(r);
        expect(res.status).not.toBe(500);
        expect(res.status).toBeGreaterThanOrEqual(200);
        if (res.status >= 400 && res.status < 500 && r.method !== 'HEAD') expect(isOvhErrorBody(res.body)).toBe(true);
        expect(res.headers['x-ovh-queryid']).toMatch(/^EU\.sim-1\./);
      }),
      { numRuns: 400, seed: 8 },
    );
  });

  it('keeps serving signed API calls after every random request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        await send(r);
        const list = await rawRequest(sim, { path: '/dedicated/server' });
        expect(list.status).toBe(200);
        expect(list.body).toEqual(sim.servers);
      }),
      { numRuns: 100, seed: 9 },
    );
  });

  it('answers random bodies on the install route with 4xx and starts no install from an unsigned call', async () => {
    const before = sim.state.server(server)!.installPosts;
    await fc.assert(
      fc.asyncProperty(body, headers, async (b, h) => {
        const res = await rawRequest(sim, {
          method: 'POST',
          path: `/dedicated/server/${server}/reinstall`,
          body: b,
          headers: h,
          sign: false,
        });
        expect([401, 403]).toContain(res.status);
        expect(isOvhErrorBody(res.body)).toBe(true);
      }),
      { numRuns: 150, seed: 10 },
    );
    expect(sim.state.server(server)!.installPosts).toBe(before);
  });

  it('recorded no 5xx other than 501 Not Implemented over the whole run', () => {
    const statuses = Object.keys(sim.state.counters().byStatus).filter((s) => s.startsWith('5') && s !== '501');
    expect(statuses).toEqual([]);
  });
});
