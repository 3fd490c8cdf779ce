/** The remote codec server: encode/decode over real HTTP, CORS for the Web UI, and the bearer token. */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
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

  it('answers 400, naming the problem, to an encrypted payload it cannot read or whose key it does not hold', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload('hello')]);
    const base64 = (value: Uint8Array | null | undefined) => Buffer.from(value ?? []).toString('base64');
    const metadata = Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, base64(v)]));
    const tampered = { metadata, data: base64(Buffer.from('too short')) };
    const tamperedAnswer = await post(`${open.url}/decode`, { payloads: [tampered] });
    expect(tamperedAnswer.status).toBe(400);
    expect(((await tamperedAnswer.json()) as { message: string }).message).toMatch(/^A payload cannot be decoded: /);
    const unknownKey = {
      metadata: { ...metadata, 'encryption-key-id': base64(Buffer.from('k9')) },
      data: base64(sealed!.data),
    };
    const unknownAnswer = await post(`${open.url}/decode`, { payloads: [unknownKey] });
    expect(unknownAnswer.status).toBe(400);
    expect(await unknownAnswer.json()).toEqual({
      message:
        'A payload cannot be decoded: A payload is encrypted with key "k9", which REIMAGE_CODEC_KEYS does not hold.',
    });
  });

  it('answers 413 to a body over 16 MiB', async () => {
    const response = await fetch(`${open.url}/decode`, { method: 'POST', body: Buffer.alloc(17 * 1024 * 1024, 0x20) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'The body is over 16777216 bytes; send fewer payloads at once.' });
  });

  it('without a token, answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    const body = JSON.stringify({ payloads: [toJson('hello')] });
    expect(await statusWithHost(open.url, 'rebind.attacker.example:8888', body)).toEqual({
      status: 403,
      message:
        'This codec server has no token, so it answers requests addressed to localhost or 127.0.0.1 only (Host "rebind.attacker.example:8888"); set REIMAGE_CODEC_TOKEN to serve other names.',
    });
    expect((await statusWithHost(open.url, 'localhost:8888', body)).status).toBe(200);
    expect((await statusWithHost(guarded.url, 'codec.example.com', body, `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('refuses to bind beyond loopback without a token', async () => {
    await expect(startCodecServer({ codec, port: 0, host: '0.0.0.0' })).rejects.toThrow(
      'The codec server would decode payloads for anyone who reaches 0.0.0.0 without a token; set REIMAGE_CODEC_TOKEN to bind beyond loopback, or bind to 127.0.0.1.',
    );
  });
});

/** POSTs `body` to `base`/decode with the given Host header (fetch cannot set it). */
function statusWithHost(
  base: string,
  host: string,
  body: string,
  authorization?: string,
): Promise<{ status: number; message?: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const headers = { host, 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
    const request = http.request({ hostname, port, path: '/decode', method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        const parsed = JSON.parse(text) as { message?: string };
        resolve({ status: response.statusCode ?? 0, ...(parsed.message ? { message: parsed.message } : {}) });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}
