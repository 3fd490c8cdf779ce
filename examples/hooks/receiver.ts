/**
 * A documented webhook receiver for reimage hooks and notifications. Each request is a POST with a JSON body
 * and these headers:
 *   X-Reimage-Event      beforeWipe | afterBoot | afterRollback | ping | a notification event (campaign.started ...)
 *   X-Reimage-Delivery   one ID per hook and attempt (or per event), the same on every retry: drop repeats
 *   X-Reimage-Signature  sha256=<hex HMAC-SHA256 of the raw body>, when the campaign sets a secret
 * Answer 2xx when done. A 4xx refuses for good (a beforeWipe refusal leaves the server untouched); a 5xx, or no
 * answer, is retried with backoff until the hook's timeout. `reimage plan` sends a `ping`: answer it 2xx.
 *
 *   HOOK_SECRET=... PORT=8080 npx tsx examples/hooks/receiver.ts
 * (plain http is accepted by reimage on loopback only: put TLS in front of it anywhere else)
 */
import http from 'node:http';
import { verifySignature } from './signature';

/** What the receiver does with each new delivery: drain on beforeWipe, put back on afterBoot, open a ticket... */
export type DeliveryHandler = (payload: { event: string; server?: { serviceName: string } }, delivery: string) => void;

const logDelivery: DeliveryHandler = (payload, delivery) =>
  process.stdout.write(`${payload.event} ${payload.server?.serviceName ?? ''} (${delivery})\n`);

/**
 * The receiver: the signature is checked over the raw bytes of the whole body (a chunk may end inside a
 * multi-byte character), a body that is not JSON gets 400, a repeated delivery ID 200 without acting again.
 */
export function createReceiver(secret: string | undefined, onDelivery: DeliveryHandler = logDelivery): http.Server {
  /** Delivery IDs already handled (keep them in a database in production). */
  const seen = new Set<string>();
  return http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (secret && !verifySignature(body, request.headers['x-reimage-signature'] as string | undefined, secret)) {
        response.writeHead(401).end('bad signature');
        return;
      }
      const delivery = String(request.headers['x-reimage-delivery'] ?? '');
      if (seen.has(delivery)) {
        response.writeHead(200).end('already done');
        return;
      }
      let payload: { event: string; server?: { serviceName: string } };
      try {
        payload = JSON.parse(body.toString('utf8')) as typeof payload;
      } catch {
        response.writeHead(400).end('the body is not JSON');
        return;
      }
      onDelivery(payload, delivery);
      seen.add(delivery);
      response.writeHead(200).end('ok');
    });
  });
}

if (require.main === module) {
  createReceiver(process.env.HOOK_SECRET).listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
}
