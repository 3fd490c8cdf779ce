/**
 * The signature check to copy into a receiver: X-Reimage-Signature is "sha256=" and the hex HMAC-SHA256 of the
 * raw request body under the hook's secret. Compute it over the bytes received (before any JSON parsing) and
 * compare in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `header` signs `body` (the raw bytes received, or their exact text) under `secret`. */
export function verifySignature(body: Buffer | string, header: string | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
