/**
 * The simulator's certificate authority. A CA kept in a directory is reused (so a test run or a user can
 * trust it once through NODE_EXTRA_CA_CERTS); each simulator start issues a fresh leaf certificate for
 * `localhost` and `127.0.0.1` signed by it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface CertificateAuthority {
  caCertPem: string;
  caKeyPem: string;
  caCertPath: string;
}

export interface LeafCertificate {
  certPem: string;
  keyPem: string;
}

/** RSA keys from Node's native crypto (node-forge's pure-JS key generation takes seconds). */
function generateRsaKeys(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey),
    privateKey: forge.pki.privateKeyFromPem(pair.privateKey),
  };
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function newCertificate(publicKey: forge.pki.PublicKey, validForMs: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(15))}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(Date.now() + validForMs);
  return cert;
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = generateRsaKeys();
  const cert = newCertificate(keys.publicKey, TEN_YEARS_MS);
  // A name of its own: with two simulators' CAs trusted at once (two OVH accounts), a shared name would let
  // TLS verification pick the other CA as the issuer and fail.
  const subject = [{ name: 'commonName', value: `reimage OVH API simulator CA ${cert.serialNumber.slice(2, 10)}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** Loads the CA in `caDir`, creating and writing it (ca.pem, ca-key.pem) when it is not there. */
export function ensureCa(caDir: string): CertificateAuthority {
  const caCertPath = path.join(caDir, 'ca.pem');
  const caKeyPath = path.join(caDir, 'ca-key.pem');
  if (existsSync(caCertPath) && existsSync(caKeyPath)) {
    return { caCertPem: readFileSync(caCertPath, 'utf8'), caKeyPem: readFileSync(caKeyPath, 'utf8'), caCertPath };
  }
  mkdirSync(caDir, { recursive: true });
  const { certPem, keyPem } = createCa();
  writeFileSync(caKeyPath, keyPem, { mode: 0o600 });
  writeFileSync(caCertPath, certPem);
  return { caCertPem: certPem, caKeyPem: keyPem, caCertPath };
}

/** Issues a server certificate for `hosts` (DNS names and IP addresses), signed by `ca`. */
export function issueLeafCert(ca: CertificateAuthority, hosts: string[]): LeafCertificate {
  const caCert = forge.pki.certificateFromPem(ca.caCertPem);
  const caKey = forge.pki.privateKeyFromPem(ca.caKeyPem);
  const keys = generateRsaKeys();
  const cert = newCertificate(keys.publicKey, 365 * 24 * 3600 * 1000);
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = hosts.map((host) => (/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host }));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}
