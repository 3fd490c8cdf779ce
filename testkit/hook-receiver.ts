/**
 * A webhook receiver over HTTPS on loopback, signed by the simulator's CA (anything that trusts the simulator
 * trusts it): it records every delivery (headers and body) and answers what the test or the demo decides,
 * including never (a hook that hangs until its timeout or a cancel).
 */
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { issueLeafCert, type CertificateAuthority } from '../src/simulator/ca';

/** One request the receiver got. */
export interface ReceivedDelivery {
  path: string;
  event: string;
  deliveryId: string;
  signature?: string;
  body: string;
  /** Epoch ms it arrived. */
  at: number;
  /** Whether the client went away before an answer (a cancel, or its own timeout). */
  abandoned: boolean;
}

/** The answer to a delivery: an HTTP status (with an optional body), or 'hang' (never answer). */
export type ReceiverAnswer = number | { status: number; body: string } | 'hang';

export interface HookReceiver {
  /** https://localhost:<port><path> */
  url(path: string): string;
  host: string;
  deliveries: ReceivedDelivery[];
  /** Deliveries to `path`. */
  to(path: string): ReceivedDelivery[];
  /** Decides every answer from now on; `nth` counts the earlier deliveries with the same delivery ID. */
  answer(decide: (delivery: ReceivedDelivery, nth: number) => ReceiverAnswer): void;
  close(): Promise<void>;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Starts a receiver answering 200 to everything until told otherwise. */
export async function startHookReceiver(ca: CertificateAuthority): Promise<HookReceiver> {
  const leaf = issueLeafCert(ca, ['localhost', '127.0.0.1']);
  const deliveries: ReceivedDelivery[] = [];
  let decide: (delivery: ReceivedDelivery, nth: number) => ReceiverAnswer = () => 200;
  const server = https.createServer({ cert: leaf.certPem, key: leaf.keyPem }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const delivery: ReceivedDelivery = {
        path: new URL(request.url ?? '/', 'https://localhost').pathname,
        event: header(request, 'x-reimage-event') ?? '',
        deliveryId: header(request, 'x-reimage-delivery') ?? '',
        signature: header(request, 'x-reimage-signature'),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        abandoned: false,
      };
      const nth = deliveries.filter((earlier) => earlier.deliveryId === delivery.deliveryId).length;
      deliveries.push(delivery);
      response.on('close', () => (delivery.abandoned = !response.writableFinished));
      const answer = decide(delivery, nth);
      if (answer === 'hang') return;
      const { status, body } = typeof answer === 'number' ? { status: answer, body: '' } : answer;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `https://localhost:${port}${path}`,
    host: `localhost:${port}`,
    deliveries,
    to: (path) => deliveries.filter((delivery) => delivery.path === path),
    answer: (next) => (decide = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
