/**
 * The rehearsal image: a raw GPT disk (disk-image.ts) the simulator serves at REHEARSAL_IMAGE_PATH over its
 * own HTTPS, signed by its CA, which a rehearsing worker already trusts. It passes the plan's qualification
 * (size, sha256, partition table, EFI system partition), so a rehearsal needs no image host of its own.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rawGptImage } from './disk-image';

export const REHEARSAL_IMAGE_PATH = '/_sim/images/rehearsal.raw';

export interface RehearsalImage {
  bytes: Buffer;
  sha256: string;
}

let built: RehearsalImage | undefined;

/** The image and its sha256, built once per process (8 MiB). */
export function rehearsalImage(): RehearsalImage {
  if (!built) {
    const bytes = rawGptImage();
    built = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  return built;
}

/** Answers GET and HEAD of REHEARSAL_IMAGE_PATH with the image; false for any other request. */
export function serveRehearsalImage(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (path !== REHEARSAL_IMAGE_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const { bytes } = rehearsalImage();
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
  res.end(req.method === 'HEAD' ? undefined : bytes);
  return true;
}
