/**
 * The config drive's user data with a cloud-init phone_home part added, merged with the campaign's own user
 * data whatever its kind: none (a cloud-config of its own), a cloud-config, a shell script or any other
 * format cloud-init knows (one part of a multipart MIME archive, cloud-init merges the parts), or a
 * multipart archive already (the part is appended to it). A cloud-config of the campaign that has its own
 * phone_home is overridden by this later part.
 */
import { FailureType } from '../shared/failure-types';
import type { CompletionSpec } from '../domain/completion';
import type { ConfigDriveSpec } from '../domain/config-drive';
import { callbackToken, callbackUrl, type CallbackRun } from './callback-token';
import { permanentFailure } from './failures';

/** Content types of user data by its first line, as cloud-init recognises them. */
const CONTENT_TYPES: [prefix: string, type: string][] = [
  ['#cloud-config-archive', 'text/cloud-config-archive'],
  ['#cloud-config', 'text/cloud-config'],
  ['#cloud-boothook', 'text/cloud-boothook'],
  ['#include', 'text/x-include-url'],
  ['#part-handler', 'text/part-handler'],
  ['## template: jinja', 'text/jinja2'],
  ['#!', 'text/x-shellscript'],
];

/** The cloud-config holding phone_home: every field cloud-init can post (`post: all`). */
export function phoneHomeConfig(url: string, tries: number): string {
  return `#cloud-config\nphone_home:\n  url: ${JSON.stringify(url)}\n  post: all\n  tries: ${tries}\n`;
}

function contentTypeOf(text: string): string {
  // Unknown first lines go as text/plain, which cloud-init types by their content.
  return CONTENT_TYPES.find(([prefix]) => text.startsWith(prefix))?.[1] ?? 'text/plain';
}

function part(boundary: string, type: string, body: string): string {
  return `--${boundary}\nContent-Type: ${type}; charset="utf-8"\nMIME-Version: 1.0\nContent-Transfer-Encoding: 8bit\n\n${body.endsWith('\n') ? body : `${body}\n`}`;
}

/** A boundary that appears nowhere in `text`. */
function boundaryFor(text: string): string {
  let boundary = '==reimage-phone-home==';
  while (text.includes(boundary)) boundary = `=${boundary}=`;
  return boundary;
}

/** `archive` (a multipart MIME document) with `config` appended as its last part. */
function appendToArchive(archive: string, config: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(archive)?.[1];
  const close = boundary === undefined ? -1 : archive.lastIndexOf(`--${boundary}--`);
  if (boundary === undefined || close < 0) {
    throw permanentFailure(
      FailureType.ConfigurationError,
      'configDrive.userData is a multipart MIME document without a boundary or its closing line, so the phone_home part of completion.callback cannot be added; fix the document (cloud-init make-mime writes valid ones).',
    );
  }
  return `${archive.slice(0, close)}${part(boundary, 'text/cloud-config', config)}${archive.slice(close)}`;
}

/** The user data with `config` merged in, as cloud-init merges the parts of a multipart archive. */
export function withPhoneHome(userData: string | undefined, config: string): string {
  if (userData === undefined || userData.trim() === '') return config;
  if (/^(MIME-Version|Content-Type):/im.test(userData.slice(0, 200)) && /multipart\//i.test(userData.slice(0, 500))) {
    return appendToArchive(userData, config);
  }
  const boundary = boundaryFor(userData + config);
  return [
    `Content-Type: multipart/mixed; boundary="${boundary}"\nMIME-Version: 1.0\n\n`,
    part(boundary, contentTypeOf(userData), userData),
    part(boundary, 'text/cloud-config', config),
    `--${boundary}--\n`,
  ].join('');
}

/** Why a worker without REIMAGE_CALLBACK_SECRET cannot run a campaign with completion.callback, and the fix. */
export const MISSING_CALLBACK_SECRET =
  'The campaign sets completion.callback, but REIMAGE_CALLBACK_SECRET is not set on this worker; set the same secret (openssl rand -base64 32) on every worker and on reimage callback-server, or drop completion.callback.';

/**
 * The config drive of one deployment with its callback: the phone_home part carries this run's one-time
 * token. Without `completion` the drive is unchanged; without a secret the worker cannot sign one.
 */
export function configDriveWithCallback(
  drive: ConfigDriveSpec | undefined,
  completion: CompletionSpec | undefined,
  target: CallbackRun & { serviceName: string },
  secret: string | undefined,
): ConfigDriveSpec | undefined {
  if (completion === undefined) return drive;
  if (!secret) {
    throw permanentFailure(FailureType.ConfigurationError, MISSING_CALLBACK_SECRET);
  }
  const url = callbackUrl(completion.callback, target.serviceName, target.deployment, callbackToken(secret, target));
  return { ...drive, userData: withPhoneHome(drive?.userData, phoneHomeConfig(url, completion.tries)) };
}
