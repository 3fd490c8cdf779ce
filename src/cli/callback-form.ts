/**
 * What cloud-init's phone_home posts (`post: all`): a form with instance_id, hostname, fqdn and the SSH host
 * public keys pub_key_rsa, pub_key_ecdsa and pub_key_ed25519 (OpenSSH one-line format). Only well-formed keys
 * are kept, without their comments.
 */
import type { CallbackHostKeys } from '../domain/completion';

const KEY_FIELDS = ['pub_key_ed25519', 'pub_key_ecdsa', 'pub_key_rsa'] as const;
const KEY_LINE = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) ([A-Za-z0-9+/]+={0,3})(?:\s.*)?$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$/;

/** The host keys and name of a phone_home form body. */
export function hostKeysOfForm(body: string): CallbackHostKeys {
  const form = new URLSearchParams(body);
  const keys = KEY_FIELDS.flatMap((field) => {
    const match = KEY_LINE.exec((form.get(field) ?? '').trim());
    return match ? [`${match[1]} ${match[2]}`] : [];
  });
  const name = [form.get('fqdn'), form.get('hostname')].find((value) => value && HOST_NAME.test(value.trim()));
  return { fqdn: name?.trim(), keys };
}
