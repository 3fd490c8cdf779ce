/**
 * Payload codec: AES-256-GCM encryption of every workflow input, result, signal and query payload, so
 * image header values, SSH keys and user data never sit in Temporal history in clear. Keys come from the
 * environment (REIMAGE_CODEC_KEYS = "id1:base64key,id0:base64key"): the first encrypts, all decrypt, so a
 * key can be rotated by prepending a new one and dropping the old one once no history needs it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** A codec configuration problem, naming the variable and the fix. */
export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}

/** Parses "id:base64key[,id:base64key...]"; each key must decode to 32 bytes. */
export function parseCodecKeys(text: string): CodecKey[] {
  const keys = text.split(',').map((entry, index) => {
    const [id, encoded] = entry.trim().split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    if (!id || key.length !== 32) {
      throw new CodecKeyError(
        `REIMAGE_CODEC_KEYS entry ${index + 1} must be "<key id>:<32 bytes in base64>"; generate one with: openssl rand -base64 32`,
      );
    }
    return { id, key };
  });
  if (keys.length === 0) throw new CodecKeyError('REIMAGE_CODEC_KEYS is empty.');
  return keys;
}

/** Encrypts with the first key; decrypts with whichever key id a payload names. */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: CodecKey[]) {
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const active = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      const clear = temporal.api.common.v1.Payload.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(active.id),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID_METADATA] ?? []).toString();
      const key = this.byId.get(keyId);
      if (!key) {
        throw new CodecKeyError(`A payload is encrypted with key "${keyId}", which REIMAGE_CODEC_KEYS does not hold.`);
      }
      const data = Buffer.from(payload.data ?? []);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const clear = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(clear);
    });
  }
}

/** The codec for a REIMAGE_CODEC_KEYS value, or undefined when encryption is off. */
export function codecFromKeys(text: string | undefined): EncryptionCodec | undefined {
  return text ? new EncryptionCodec(parseCodecKeys(text)) : undefined;
}
