/**
 * How a campaign learns that a server's new OS is up: the server calls back (cloud-init's phone_home) at a
 * URL the fleet reaches. Domain vocabulary: imports nothing, workflow-safe.
 */

/** `completion` of a campaign: the callback URL's base (each server's token is appended) and cloud-init's tries. */
export interface CompletionSpec {
  /** The public https URL at which the fleet reaches `reimage callback-server`, e.g. https://reimage.example.com/phone-home. */
  callback: string;
  /** How many times cloud-init's phone_home tries the POST. */
  tries: number;
}

/** SSH host public keys a server reported with its callback, one OpenSSH line each ("ssh-ed25519 AAAA..."). */
export interface CallbackHostKeys {
  /** The name the server gave itself (cloud-init's fqdn, else its hostname); absent when it sent none. */
  fqdn?: string;
  keys: string[];
}
