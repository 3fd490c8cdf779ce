/**
 * SSH host keys a simulated server generates at its first boot: ed25519 and ECDSA P-256 pairs from
 * node:crypto, printed as OpenSSH public key lines (RFC 4253 §6.6, RFC 5656 §3.1), as cloud-init reads them
 * from /etc/ssh/ssh_host_*_key.pub. No RSA key: generating one costs tens of milliseconds, and an image
 * without one is common (cloud-init then posts no pub_key_rsa).
 */
import { generateKeyPairSync } from 'node:crypto';

/** An SSH wire-format string: a 4-byte big-endian length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function line(type: string, ...fields: Buffer[]): string {
  return `${type} ${Buffer.concat([sshString(Buffer.from(type)), ...fields.map(sshString)]).toString('base64')}`;
}

/** A fresh server's public host keys, by cloud-init's form field. */
export function generateHostKeys(): { pub_key_ed25519: string; pub_key_ecdsa: string } {
  const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(ec.x as string, 'base64url'),
    Buffer.from(ec.y as string, 'base64url'),
  ]);
  return {
    pub_key_ed25519: line('ssh-ed25519', Buffer.from(ed.x as string, 'base64url')),
    pub_key_ecdsa: line('ecdsa-sha2-nistp256', Buffer.from('nistp256'), point),
  };
}
