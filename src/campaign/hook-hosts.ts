/**
 * Where hooks and notifications may go, and where images may come from. A campaign file must not make the
 * worker call arbitrary hosts of the team's network, so every webhook host must be on the worker's
 * allow-list (REIMAGE_HOOK_HOSTS): the plan refuses the others by name, and the webhook activity checks again
 * at call time. REIMAGE_IMAGE_HOSTS, when set, pins image hosts the same way. Workflow-safe.
 */
import type { HooksSpec, NotifySpec } from '../domain/hooks';
import { HOOK_NAMES } from '../domain/hooks';

/** Loopback host names: the only ones plain http may reach (nothing leaves the machine). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** What is wrong with a webhook URL, or undefined: https, or http to a loopback address; no credentials. */
export function webhookUrlProblem(text: string): string | undefined {
  return httpsUrlProblem(text, 'https://lb.example.com/reimage');
}

/** What is wrong with a URL the worker calls or the fleet reaches, as webhookUrlProblem; messages show `example`. */
export function httpsUrlProblem(text: string, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `must be an absolute https URL, e.g. "${example}"`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `must use https: plain http is allowed only to loopback addresses (localhost, 127.0.0.1, [::1]), not ${JSON.stringify(url.hostname)}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must use https, not ${JSON.stringify(url.protocol.slice(0, -1))}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not carry a user name or password; sign the requests with a secret instead';
  }
  return undefined;
}

/**
 * Whether `hostname` is on `allowed`: an entry is a host name ("lb.example.com"), a host and port
 * ("localhost:8443", only that port) or a suffix pattern ("*.example.com", any subdomain).
 */
export function hostAllowed(url: string, allowed: readonly string[]): boolean {
  const { hostname, port, protocol } = new URL(url);
  const effectivePort = port || (protocol === 'https:' ? '443' : '80');
  return allowed.some((entry) => {
    const [host, entryPort] = entry.toLowerCase().split(/:(?=\d+$)/) as [string, string | undefined];
    if (entryPort !== undefined && entryPort !== effectivePort) return false;
    if (host.startsWith('*.')) return hostname.endsWith(host.slice(1));
    return hostname === host;
  });
}

/** A webhook of the campaign: its spec path (e.g. "hooks.beforeWipe.webhook") and URL. */
export interface WebhookRef {
  path: string;
  url: string;
}

/** Every webhook the campaign calls, hooks first, in file order. */
export function campaignWebhooks(
  hooks: HooksSpec | undefined,
  notify: readonly NotifySpec[] | undefined,
): WebhookRef[] {
  const refs: WebhookRef[] = [];
  for (const name of HOOK_NAMES) {
    const hook = hooks?.[name];
    if (hook?.kind === 'webhook') refs.push({ path: `hooks.${name}.webhook.url`, url: hook.url });
  }
  for (const [index, target] of (notify ?? []).entries()) {
    refs.push({ path: `notify[${index}].webhook.url`, url: target.webhook.url });
  }
  return refs;
}

/** The message refusing a webhook whose host is not on the allow-list (the plan's and the activity's). */
export function hostRefusal(ref: WebhookRef, allowed: readonly string[]): string {
  return allowListRefusal(ref.path, ref.url, { name: 'hook', variable: 'REIMAGE_HOOK_HOSTS', allowed });
}

/** "<path>: "<host>" is not on the worker's <name> allow-list (<variable>; it holds ...); ...". */
function allowListRefusal(
  path: string,
  url: string,
  list: { name: string; variable: string; allowed: readonly string[] },
): string {
  const { host } = new URL(url);
  const holds = list.allowed.length > 0 ? `it holds ${list.allowed.join(', ')}` : 'it is empty';
  return `${path}: ${JSON.stringify(host)} is not on the worker's ${list.name} allow-list (${list.variable}; ${holds}); add the host there or change the URL`;
}

/**
 * The message refusing an image URL whose host is not on the worker's REIMAGE_IMAGE_HOSTS (the same syntax
 * as REIMAGE_HOOK_HOSTS), or undefined: on the list, or no list (any https host).
 */
export function imageHostRefusal(url: string, allowed: readonly string[] | undefined): string | undefined {
  if (allowed === undefined || hostAllowed(url, allowed)) return undefined;
  return allowListRefusal('image.url', url, { name: 'image', variable: 'REIMAGE_IMAGE_HOSTS', allowed });
}

/** One refusal per webhook whose host is not on `allowed`, in campaignWebhooks order. */
export function refusedWebhooks(refs: readonly WebhookRef[], allowed: readonly string[]): string[] {
  return refs.filter((ref) => !hostAllowed(ref.url, allowed)).map((ref) => hostRefusal(ref, allowed));
}
