/**
 * qualifyImage: downloads the image once, before any server is touched, and rejects what OVH would reject
 * on every server: an unreachable URL, a wrong checksum, a declared type that does not match the content,
 * a raw image without a partition table, no EFI system partition for UEFI servers, an oversized image.
 * Download failures that may pass (5xx, network) are retryable; everything else is ImageRejected.
 */
import { ApplicationFailure } from '@temporalio/common';
import { cancellationSignal } from '@temporalio/activity';
import { FailureType } from '../shared/failure-types';
import { beat, type ActivityDeps } from './deps';

/** What qualifying an image needs: no OVH account, only the worker's environment and an image opener. */
export type ImageDeps = Pick<ActivityDeps, 'env' | 'grant' | 'imageHosts' | 'openImage'>;
import { permanentFailure } from './failures';
import { consumeImage, openImageWithNode, SizeCapExceeded, type StreamResult } from './image-download';
import { inspectImageHead, type ImageLayout } from './image-format';
import { assertImageHostAllowed, ImageOriginRefused } from './image-origin';
import { campaignVariables, describeUrl, resolveImageHeaders } from './secrets';
import type { ImageQualification } from '../domain/image';
import type { QualifyImageInput } from './types';
import { OVA_REJECTION } from '../ovh/routes';

const rejected = (message: string, details?: Record<string, unknown>) =>
  permanentFailure(FailureType.ImageRejected, message, details);

function effectiveCap(input: QualifyImageInput): number | undefined {
  const caps = [input.maxBytes, input.image.sizeCapBytes].filter((cap): cap is number => cap !== undefined);
  return caps.length > 0 ? Math.min(...caps) : undefined;
}

/** TLS errors of a certificate the worker does not trust: retrying cannot help. */
const UNTRUSTED_CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

/** The failure of an image URL that did not answer: untrusted (permanent) or unreachable (retried). */
function unreachableImage(where: string, error: NodeJS.ErrnoException): ApplicationFailure {
  const reason = error.code ?? error.message;
  if (UNTRUSTED_CERTIFICATE.test(reason)) {
    return rejected(
      `The worker does not trust the certificate of the image server at ${where} (${reason}). Give the worker the CA that signed it (NODE_EXTRA_CA_CERTS=ca.pem in its environment), or serve the image with a certificate of a public CA.`,
    );
  }
  return ApplicationFailure.create({
    type: FailureType.ImageRejected,
    message: `The image at ${where} could not be downloaded (${reason}). Check image.url's host and port, and that the worker can reach it.`,
    nonRetryable: false,
  });
}

async function download(input: QualifyImageInput, deps: ImageDeps): Promise<StreamResult> {
  const where = describeUrl(input.image.url);
  assertImageHostAllowed(input.image.url, deps.imageHosts);
  const headers = resolveImageHeaders(input.image, campaignVariables(deps)) ?? {};
  const cap = effectiveCap(input);
  let response;
  try {
    response = await (deps.openImage ?? openImageWithNode)(input.image.url, headers, cancellationSignal());
  } catch (error) {
    if (error instanceof ImageOriginRefused)
      throw rejected(`The image at ${where} ${error.message}; change image.url.`);
    throw unreachableImage(where, error as NodeJS.ErrnoException);
  }
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    const hint = status === 401 || status === 403 ? ' Check image.httpHeaders.' : '';
    const message = `The image URL ${where} answered HTTP ${status}.${hint}`;
    if (status >= 500)
      throw ApplicationFailure.create({
        type: FailureType.ImageRejected,
        message: `${message} The download will be retried.`,
        nonRetryable: false,
      });
    throw rejected(message, { status });
  }
  const declared = Number(response.headers['content-length']);
  if (cap !== undefined && Number.isFinite(declared) && declared > cap) {
    response.destroy();
    throw rejected(
      `The image at ${where} is ${declared} bytes, above the limit of ${cap} bytes (image.sizeCapBytes or the targets' RAM minus 3 GiB).`,
    );
  }
  try {
    return await consumeImage(response, {
      algorithm: input.image.checksum?.type ?? 'sha256',
      capBytes: cap,
      onProgress: (bytes) => beat({ bytes }),
    });
  } catch (error) {
    if (error instanceof SizeCapExceeded) {
      throw rejected(
        `The image at ${where} is larger than the limit of ${error.capBytes} bytes (image.sizeCapBytes or the targets' RAM minus 3 GiB).`,
      );
    }
    throw error;
  }
}

function checkLayout(input: QualifyImageInput, layout: ImageLayout): void {
  const declared = input.image.type;
  if (declared !== layout.format) {
    throw rejected(
      `image.type says ${declared} but the image is ${layout.format}; fix image.type (OVH would fail the install with a format mismatch).`,
    );
  }
  if (layout.format === 'raw' && layout.partitionTable === 'none') {
    throw rejected(
      'The raw image has no partition table (no MBR signature, no GPT header); OVH refuses such images. Check that the URL serves a disk image.',
    );
  }
  if (input.targetsUefi && layout.format === 'raw' && !layout.hasEfiSystemPartition) {
    throw rejected(
      `The raw image (${layout.partitionTable.toUpperCase()}) has no EFI system partition, so UEFI servers cannot boot it; add an ESP (GPT type C12A7328-F81F-11D2-BA4B-00A0C93EC93B) or target legacy-boot servers only.`,
    );
  }
}

/** The qualifyImage activity body. */
export async function qualifyImage(input: QualifyImageInput, deps: ImageDeps): Promise<ImageQualification> {
  if (input.image.type === 'ova') throw rejected(OVA_REJECTION);
  const result = await download(input, deps);
  const expected = input.image.checksum;
  if (expected && expected.value.toLowerCase() !== result.digest) {
    throw rejected(
      `The image's ${expected.type} is ${result.digest} but image.checksum expects ${expected.value.toLowerCase()}; the image changed or the checksum is wrong.`,
    );
  }
  const layout = inspectImageHead(result.head);
  checkLayout(input, layout);
  return {
    sizeBytes: result.sizeBytes,
    format: layout.format,
    checksumVerified: expected !== undefined,
    computedChecksum: result.digest,
    partitionTable: layout.partitionTable,
    hasEfiSystemPartition: layout.hasEfiSystemPartition,
  };
}
