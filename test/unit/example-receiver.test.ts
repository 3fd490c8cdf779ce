/** The documented webhook receiver of examples/hooks/receiver.ts, over real HTTP on loopback. */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReceiver } from '../../examples/hooks/receiver';

const SECRET = 'receiver-secret';
const handled: string[] = [];
const receiver = createReceiver(SECRET, (payload, delivery) => handled.push(`${payload.event} ${delivery}`));
let port: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const sign = (body: Buffer) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

/** POSTs `body` in the given chunks (each written on its own), signed; resolves with status and text. */
function post(chunks: Buffer[], delivery: string): Promise<{ status: number; text: string }> {
  const body = Buffer.concat(chunks);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { 'x-reimage-signature': sign(body), 'x-reimage-delivery': delivery, 'content-length': body.length },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.flushHeaders();
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

it('verifies the signature over the whole body when a chunk ends inside a multi-byte character', async () => {
  const body = Buffer.from(JSON.stringify({ event: 'beforeWipe', note: 'café déjà' }));
  const split = body.indexOf(Buffer.from('é')) + 1;
  expect(await post([body.subarray(0, split), body.subarray(split)], 'd-split')).toEqual({ status: 200, text: 'ok' });
  expect(handled).toContain('beforeWipe d-split');
});

it('answers 400 to a signed body that is not JSON, and keeps serving', async () => {
  expect(await post([Buffer.from('not json')], 'd-bad')).toEqual({ status: 400, text: 'the body is not JSON' });
  expect(await post([Buffer.from('{"event":"ping"}')], 'd-ping')).toEqual({ status: 200, text: 'ok' });
});
