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

const secret = process.env.HOOK_SECRET;
/** Delivery IDs already handled (keep them in a database in production). */
const seen = new Set<string>();

const server = http.createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    if (secret && !verifySignature(body, request.headers['x-reimage-signature'] as string | undefined, secret)) {
      response.writeHead(401).end('bad signature');
      return;
    }
    const delivery = String(request.headers['x-reimage-delivery'] ?? '');
    if (seen.has(delivery)) {
      response.writeHead(200).end('already done');
      return;
    }
    const payload = JSON.parse(body) as { event: string; server?: { serviceName: string } };
    // Act here: drain on beforeWipe, put back on afterBoot, open a ticket on afterRollback, post to chat...
    process.stdout.write(`${payload.event} ${payload.server?.serviceName ?? ''} (${delivery})\n`);
    seen.add(delivery);
    response.writeHead(200).end('ok');
  });
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
