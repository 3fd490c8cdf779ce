/**
 * The `image` and `configDrive` sections of the campaign file. OVH's BYOI fields (reference: the
 * `dedicated.server.reinstall.Customizations` model): imageURL, imageType (qcow2 | raw), imageCheckSum +
 * imageCheckSumType (md5 | sha1 | sha256 | sha512), httpHeaders, efiBootloaderPath, hostname, sshKey,
 * configDriveUserData, configDriveMetadata.
 */
import { z } from 'zod';
import { CHECKSUM_TYPES, IMAGE_FORMATS, type ChecksumType } from '../domain/image';
import { isWholeEnvReference, reservedReferenceProblem } from './env-references';
import { templateSyntaxProblem } from './hostname-template';
import { check } from '../input/fields';
import { secretString } from './schema-fields';
import { quote } from '../input/quote';
import { closestMatch } from '../input/suggest';

/** Hex digits of each checksum type OVH accepts. */
const CHECKSUM_HEX_LENGTH: Readonly<Record<ChecksumType, number>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  sha512: 128,
};

/**
 * Largest config-drive user data accepted, in bytes (UTF-8): 32 KiB. OVH refuses a customization above a
 * limit it does not publish (400 CustomizationSizeExceeded); these caps stay well below any it could set
 * without breaking ordinary cloud-init files (docs/ovh-api.md §6.4).
 */
export const USER_DATA_MAX_BYTES = 32 * 1024;
/** Largest config-drive metadata accepted: its keys and values together, in bytes (UTF-8): 8 KiB. */
const METADATA_MAX_BYTES = 8 * 1024;

/** What is wrong with a checksum value for its type, or undefined. */
function checksumValueProblem(type: ChecksumType, value: string): string | undefined {
  if (!/^[0-9a-fA-F]*$/.test(value)) return 'must be hexadecimal digits (0-9, a-f)';
  const expected = CHECKSUM_HEX_LENGTH[type];
  if (value.length === expected) return undefined;
  const article = type === 'md5' ? 'an' : 'a';
  return `${article} ${type} checksum has ${expected} hex digits (got ${value.length}); check that the type matches the digest`;
}

function checksumStringProblem(text: string): string | undefined {
  const separator = text.indexOf(':');
  if (separator < 0) {
    const fitting = CHECKSUM_TYPES.find((type) => CHECKSUM_HEX_LENGTH[type] === text.length);
    const hint =
      /^[0-9a-fA-F]+$/.test(text) && fitting
        ? `; a ${text.length}-digit digest is ${fitting}: write "${fitting}:<digest>"`
        : '';
    return `must be written "<type>:<hex digest>" such as "sha256:9f86d081...", or as {type, value}; it has no "<type>:" prefix${hint}`;
  }
  const type = text.slice(0, separator);
  if (!(CHECKSUM_TYPES as readonly string[]).includes(type)) {
    const guess = closestMatch(type, CHECKSUM_TYPES);
    const hint = guess ? `did you mean ${quote(guess)}? ` : '';
    return `has the unknown checksum type ${quote(type)}; ${hint}OVH accepts md5, sha1, sha256 and sha512`;
  }
  return checksumValueProblem(type as ChecksumType, text.slice(separator + 1));
}

const checksumObject = z
  .object({
    type: z.enum(CHECKSUM_TYPES).describe('Digest algorithm.'),
    value: z.string().describe('Hex digest: 32 (md5), 40 (sha1), 64 (sha256) or 128 (sha512) digits.'),
  })
  .strict()
  .superRefine((checksum, ctx) => {
    const message = checksumValueProblem(checksum.type, checksum.value);
    if (message !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message, path: ['value'] });
  });

const OVA_MESSAGE =
  '"ova" is not accepted by OVH\'s BYOI API (only qcow2 and raw); convert the image with qemu-img ' +
  '(extract the .vmdk from the OVA, then "qemu-img convert -O qcow2 disk.vmdk disk.qcow2")';

function imageUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute https URL, e.g. "https://images.example.com/debian-12.qcow2"';
  }
  if (url.protocol !== 'https:') {
    const scheme = quote(url.protocol.slice(0, -1));
    return `must use https, not ${scheme}: reimage accepts only https image URLs, so the image cannot be read or swapped in transit`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not carry a user name or password; send credentials in image.httpHeaders with a ${VAR} reference';
  }
  return undefined;
}

function efiPathProblem(text: string): string | undefined {
  if (text.startsWith('\\') && /\.efi$/i.test(text) && !/[\s/]/.test(text)) return undefined;
  // Shown unescaped, like the example: JSON quoting would double every backslash.
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `must be the path of the EFI loader inside the image, written with backslashes, e.g. "\\efi\\debian\\grubx64.efi" (got "${shown}")`;
}

/** The `image` section. */
export const imageSchema = z
  .object({
    url: z
      .string()
      .superRefine(check(imageUrlProblem))
      .describe('https URL OVH downloads the image from (OVH customization imageURL). Only https is accepted.'),
    type: z
      .enum(IMAGE_FORMATS, {
        errorMap: (issue, ctx) => ({
          message: ctx.data === 'ova' ? OVA_MESSAGE : ctx.defaultError,
        }),
      })
      .describe('Image format (OVH customization imageType): qcow2 or raw. OVH does not accept ova.'),
    checksum: z
      .union([z.string().superRefine(check(checksumStringProblem)), checksumObject], {
        errorMap: () => ({ message: 'must be a string like "sha256:<hex digest>" or an object {type, value}' }),
      })
      .optional()
      .describe('Digest OVH verifies after download: "sha256:<hex>" or {type: md5|sha1|sha256|sha512, value: <hex>}.'),
    httpHeaders: z
      .record(
        z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name (letters, digits, hyphens)'),
        secretString('Header value; may contain ${NAME} references resolved from the worker environment.'),
      )
      .optional()
      .describe(
        'HTTP headers OVH sends when downloading the image, e.g. {Authorization: "Bearer ${IMAGE_TOKEN}"}. ' +
          '${NAME} references are resolved on the worker, so secrets never enter workflow history.',
      ),
    efiBootloaderPath: z
      .string()
      .superRefine(check(efiPathProblem))
      .optional()
      .describe(
        'EFI loader inside the image, e.g. "\\efi\\debian\\grubx64.efi". Required for UEFI servers (checked at plan time).',
      ),
    sizeCapBytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Refuse the image when it is larger than this many bytes (checked by image qualification).'),
    description: z.string().max(255).optional().describe('Free text shown in reports.'),
  })
  .strict()
  .describe('The image to deploy with OVH Bring Your Own Image.');

/** UTF-8 length of a string, in bytes (without Buffer, so this module stays workflow-safe). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** What is wrong with user data of `bytes` bytes (its size), or undefined. */
export function userDataSizeProblem(bytes: number): string | undefined {
  if (bytes <= USER_DATA_MAX_BYTES) return undefined;
  return `is ${bytes} bytes; config-drive user data is capped at 32 KiB (${USER_DATA_MAX_BYTES} bytes): keep the cloud-init file small and have it download larger payloads`;
}

/** What is wrong with user data (its UTF-8 size), or undefined. */
export function userDataProblem(text: string): string | undefined {
  return userDataSizeProblem(utf8ByteLength(text));
}

/** What is wrong with config-drive metadata (its total size), or undefined. */
function metadataProblem(metadata: Record<string, string>): string | undefined {
  const bytes = Object.entries(metadata).reduce((sum, [k, v]) => sum + utf8ByteLength(k) + utf8ByteLength(v), 0);
  if (bytes <= METADATA_MAX_BYTES) return undefined;
  return `holds ${bytes} bytes of keys and values; config-drive metadata is capped at 8 KiB (${METADATA_MAX_BYTES} bytes), below the size OVH refuses with CustomizationSizeExceeded: keep a few short values and put the rest in the user data or a download`;
}

const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

function sshKeyProblem(text: string): string | undefined {
  if (isWholeEnvReference(text) || SSH_PUBLIC_KEY.test(text.trim())) return undefined;
  if (text.includes('PRIVATE KEY'))
    return 'is a private key; give the public key (the one-line contents of the .pub file)';
  return 'must be one OpenSSH public key line such as "ssh-ed25519 AAAAC3Nza... user@host", or a ${NAME} reference';
}

/** The `configDrive` section (cloud-init). */
export const configDriveSchema = z
  .object({
    hostname: z
      .string()
      .min(1)
      .superRefine(check(templateSyntaxProblem))
      .superRefine(check(reservedReferenceProblem))
      .optional()
      .describe(
        'Hostname template; {serviceName} and {shortName} are replaced per server. Must render to an RFC 1035 host name.',
      ),
    sshKey: z
      .string()
      .superRefine(check(sshKeyProblem))
      .superRefine(check(reservedReferenceProblem))
      .optional()
      .describe("OpenSSH public key installed for the image's default user, or a ${NAME} reference."),
    userData: z
      .string()
      .superRefine(check(userDataProblem))
      .superRefine(check(reservedReferenceProblem))
      .optional()
      .describe('cloud-init user data, inline (at most 32 KiB). Exclusive with userDataFile.'),
    userDataFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Path of a cloud-init user-data file, relative to the campaign file (at most 32 KiB). Exclusive with userData.',
      ),
    metadata: z
      .record(z.string().min(1), secretString('Metadata value; may contain ${NAME} references resolved on the worker.'))
      .superRefine(check(metadataProblem))
      .optional()
      .describe('Key/value pairs written under "meta" in the config drive\'s meta_data.json.'),
  })
  .strict()
  .describe('Config drive (cloud-init) settings applied to the new OS.');
