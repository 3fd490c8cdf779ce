/**
 * Where the worker may fetch an image from. A campaign names the URL, so it could aim the worker's own
 * download (image qualification) at the worker's network: the host must be on REIMAGE_IMAGE_HOSTS when the
 * operator set it; every hop (redirects included) must be https; no hop may reach a link-local address
 * (169.254.0.0/16, fe80::/10: cloud metadata services live there), nor a loopback one unless image.url
 * itself names a loopback host (the simulator and the tests). Addresses are checked after DNS resolution,
 * so a name that resolves to a forbidden address is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { imageHostRefusal, isLoopbackHost } from '../campaign/hook-hosts';
import { FailureType } from '../shared/failure-types';
import { permanentFailure } from './failures';

/** Throws NotAllowed when `url`'s host is not on `allowed` (REIMAGE_IMAGE_HOSTS; undefined: any host). */
export function assertImageHostAllowed(url: string, allowed: readonly string[] | undefined): void {
  const refusal = imageHostRefusal(url, allowed);
  if (refusal !== undefined) throw permanentFailure(FailureType.NotAllowed, refusal);
}

/** A hop of the image download the worker refuses to make; the message says which and why. */
export class ImageOriginRefused extends Error {
  override name = 'ImageOriginRefused';
}

const LINK_LOCAL = new BlockList();
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4');
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
// 0.0.0.0 reaches this machine on Linux, like loopback.
LOOPBACK.addSubnet('0.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addAddress('::', 'ipv6');

/** Why the download may not connect to `address`, or undefined. */
function addressRefusal(address: string, loopbackAllowed: boolean): string | undefined {
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (LINK_LOCAL.check(address, type)) {
    return `${address}, a link-local address, which images are never fetched from (cloud metadata services answer there)`;
  }
  if (!loopbackAllowed && LOOPBACK.check(address, type)) {
    return `${address}, a loopback address, which images come from only when image.url itself names a loopback host (localhost, 127.0.0.1, [::1])`;
  }
  return undefined;
}

/** Whether the download of `imageUrl` may reach loopback addresses: only when the URL names a loopback host. */
export function loopbackAllowedFor(imageUrl: string): boolean {
  return isLoopbackHost(new URL(imageUrl).hostname);
}

/** Checks a hop before it is requested: https only, and an IP literal host checked like a resolved address. */
export function checkHop(target: URL, loopbackAllowed: boolean, from?: URL): void {
  if (target.protocol !== 'https:') {
    const where = from ? `redirects to ${target.protocol}//${target.host}` : 'is not an https URL';
    throw new ImageOriginRefused(`${where}: the worker fetches images and follows their redirects over https only`);
  }
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  const refusal = isIP(literal) ? addressRefusal(literal, loopbackAllowed) : undefined;
  if (refusal !== undefined) throw new ImageOriginRefused(`leads to ${refusal}`);
}

/** dns.lookup that fails with ImageOriginRefused when a resolved address is refused. */
export function guardedLookup(loopbackAllowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refusal = addresses.map((entry) => addressRefusal(entry.address, loopbackAllowed)).find(Boolean);
      if (refusal !== undefined) return callback(new ImageOriginRefused(`leads to ${hostname} at ${refusal}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}
