/**
 * Streaming an image in constant memory: size, checksum on the fly, and the first HEAD_BYTES for format
 * recognition. Heartbeats report the bytes read; cancellation aborts the request.
 */
import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { HEAD_BYTES } from './image-format';
import { checkHop, guardedLookup, loopbackAllowedFor } from './image-origin';

/** Opens `url` with `headers`; resolves with the response (any status). */
export type ImageOpener = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<IncomingMessage>;

const MAX_REDIRECTS = 3;

/**
 * node https GET following up to three redirects, under image-origin.ts's rules: https hops only, no
 * link-local address, loopback only for a loopback image.url. `headers` go to image.url's origin only
 * (scheme, host and port): a hop to any other origin gets none.
 */
export const openImageWithNode: ImageOpener = (url, headers, signal) => {
  const loopbackAllowed = loopbackAllowedFor(url);
  const lookup = guardedLookup(loopbackAllowed);
  const origin = new URL(url).origin;
  const open = (target: URL, left: number): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const sendHeaders = target.origin === origin ? headers : {};
      const request = https.get(target, { headers: sendHeaders, signal, lookup }, (response) => {
        const location = response.headers.location;
        if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location && left > 0) {
          response.resume();
          const next = new URL(location, target);
          try {
            checkHop(next, loopbackAllowed, target);
          } catch (error) {
            reject(error as Error);
            return;
          }
          resolve(open(next, left - 1));
          return;
        }
        resolve(response);
      });
      request.on('error', reject);
    });
  const first = new URL(url);
  checkHop(first, loopbackAllowed);
  return open(first, MAX_REDIRECTS);
};

export interface StreamResult {
  sizeBytes: number;
  digest: string;
  head: Buffer;
}

/** Thrown when the stream passes `capBytes`. */
export class SizeCapExceeded extends Error {
  override name = 'SizeCapExceeded';
  constructor(readonly capBytes: number) {
    super(`The image is larger than ${capBytes} bytes.`);
  }
}

/** Reads `response` to the end (or to the cap), hashing with `algorithm` and keeping the first bytes. */
export async function consumeImage(
  response: IncomingMessage,
  options: { algorithm: string; capBytes?: number; onProgress: (bytes: number) => void },
): Promise<StreamResult> {
  const hash = createHash(options.algorithm);
  const headChunks: Buffer[] = [];
  let headLength = 0;
  let sizeBytes = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (options.capBytes !== undefined && sizeBytes > options.capBytes) {
      response.destroy();
      throw new SizeCapExceeded(options.capBytes);
    }
    hash.update(chunk);
    if (headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLength);
      headChunks.push(Buffer.from(part));
      headLength += part.length;
    }
    options.onProgress(sizeBytes);
  }
  return { sizeBytes, digest: hash.digest('hex'), head: Buffer.concat(headChunks) };
}
