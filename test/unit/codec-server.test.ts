/** The remote codec server: encode/decode over real HTTP, CORS for the Web UI, and the bearer token. */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../src/temporal/codec';
import { startCodecServer, type CodecServer } from '../../src/temporal/codec-server';

const ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = randomBytes(16).toString('hex');
const codec = new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }]);
let open: CodecServer;
let guarded: CodecServer;

beforeAll(async () => {
  open = await startCodecServer({ codec, port: 0, corsOrigin: ORIGIN });
  guarded = await startCodecServer({ codec, port: 0, corsOrigin: ORIGIN, token: TOKEN });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

function toJson(value: unknown): { metadata: Record<string, string>; data: string } {
  const payload = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('codec server', () => {
  it('encrypts on /encode and gives the same payload back on /decode', async () => {
    const secret = { sshKey: 'ssh-ed25519 AAAA-unique-key' };
    const encoded = await post(`${open.url}/encode`, { payloads: [toJson(secret)] });
    expect(encoded.status).toBe(200);
    const encodedBody = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encodedBody.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encodedBody.payloads[0]!.data, 'base64').toString('latin1')).not.toContain('AAAA-unique-key');

    const decoded = await post(`${open.url}/decode`, encodedBody);
    expect(decoded.status).toBe(200);
    expect(await decoded.json()).toEqual({ payloads: [toJson(secret)] });
  });

  it('answers the Web UI CORS preflight with its origin and the headers it sends', async () => {
    const response = await fetch(`${open.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type, x-namespace, authorization');
  });

  it('refuses a request without the bearer token when one is set, and accepts it with the token', async () => {
    const body = { payloads: [toJson('hello')] };
    const refused = await post(`${guarded.url}/decode`, body);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      message: 'This codec server needs "Authorization: Bearer <REIMAGE_CODEC_TOKEN>"; ask its operator for the token.',
    });
    const wrong = await post(`${guarded.url}/decode`, body, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const accepted = await post(`${guarded.url}/decode`, body, { authorization: `Bearer ${TOKEN}` });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual(body);
  });

  it('rejects a body that is not a payload batch with 400 and the expected shape', async () => {
    const response = await post(`${open.url}/decode`, { nope: true });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      message: 'The body must be JSON like {"payloads": [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}.',
    });
  });
});
