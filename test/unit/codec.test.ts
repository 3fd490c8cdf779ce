import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { CodecKeyError, EncryptionCodec, ENCRYPTED_ENCODING, parseCodecKeys } from '../../src/temporal/codec';

const keyText = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('the payload encryption codec', () => {
  const secret = {
    sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHunter2 ops@example',
    userData: '#cloud-config\npassword: hunter2',
  };
  const payload = defaultPayloadConverter.toPayload(secret);

  it('round-trips a payload and leaves no clear text in the encoded bytes', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(keyText('k1')));
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encoded!.data!).toString('latin1')).not.toContain('hunter2');
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('decrypts payloads written with an older key after rotation', async () => {
    const old = keyText('k1');
    const [encoded] = await new EncryptionCodec(parseCodecKeys(old)).encode([payload]);
    const rotated = new EncryptionCodec(parseCodecKeys(`${keyText('k2')},${old}`));
    const [decoded] = await rotated.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
    const [reencoded] = await rotated.encode([payload]);
    expect(Buffer.from(reencoded!.metadata!['encryption-key-id']!).toString()).toBe('k2');
  });

  it('names the missing key id when a payload was encrypted with a dropped key', async () => {
    const [encoded] = await new EncryptionCodec(parseCodecKeys(keyText('gone'))).encode([payload]);
    const codec = new EncryptionCodec(parseCodecKeys(keyText('k3')));
    await expect(codec.decode([encoded!])).rejects.toThrow(
      new CodecKeyError('A payload is encrypted with key "gone", which REIMAGE_CODEC_KEYS does not hold.'),
    );
  });

  it('rejects a key that is not 32 bytes with the command that makes one', () => {
    expect(() => parseCodecKeys('k1:c2hvcnQ=')).toThrow(
      'REIMAGE_CODEC_KEYS entry 1 must be "<key id>:<32 bytes in base64>"; generate one with: openssl rand -base64 32',
    );
  });

  it('passes through payloads that are not encrypted', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(keyText('k1')));
    await expect(codec.decode([payload])).resolves.toEqual([payload]);
  });
});
