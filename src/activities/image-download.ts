/**
 * Streaming an image in constant memory: size, checksum on the fly, and the first HEAD_BYTES for format
 * recognition. Heartbeats report the bytes read; cancellation aborts the request.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { HEAD_BYTES } from './image-format';

/** Opens `url` with `headers`; resolves with the response (any status). */
export type ImageOpener = (
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
) => Promise<IncomingMessage>;

const MAX_REDIRECTS = 3;

/** node http/https GET following up to three redirects (headers are dropped when the host changes). */
export const openImageWithNode: ImageOpener = (url, headers, signal) => {
  const open = (target: string, sendHeaders: Record<string, string>, left: number): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const client = target.startsWith('https:') ? https : http;
      const request = client.get(target, { headers: sendHeaders, signal }, (response) => {
        const location = response.headers.location;
        if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location && left > 0) {
          response.resume();
          const next = new URL(location, target);
          const keep = next.host === new URL(target).host ? sendHeaders : {};
          resolve(open(next.toString(), keep, left - 1));
          return;
        }
        resolve(response);
      });
      request.on('error', reject);
    });
  return open(url, headers, MAX_REDIRECTS);
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
