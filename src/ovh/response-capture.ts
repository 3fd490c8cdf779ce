/**
 * Response headers node-ovh does not expose (`X-Ovh-QueryID`, `Retry-After`), read through Node's public
 * `http.client.response.finish` diagnostics channel.
 *
 * Why this is exact: the channel fires before node-ovh attaches its own listeners, so our `end` listener
 * runs first, and node-ovh calls its debug hook and then our callback synchronously in the same `end`
 * event. The last captured response is therefore always the one the callback is about.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface CapturedResponse {
  method: string;
  /** Request path including the query string, as node-ovh sent it. */
  path: string;
  status: number;
  queryId?: string;
  retryAfterMs?: number;
}

let lastResponse: CapturedResponse | undefined;
let installed = false;
/** Where the channel keeps the subscriber of the module's latest load. */
const SUBSCRIBER = Symbol.for('reimage.ovh.responseCapture');

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function onResponse(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  response.once('end', () => {
    lastResponse = {
      method: request.method,
      path: request.path,
      status: response.statusCode ?? 0,
      queryId: header(response, 'x-ovh-queryid'),
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    };
  });
}

/** Node's channel, one object per process however often this module is loaded (a test runner loads it per file). */
const channel = diagnosticsChannel.channel('http.client.response.finish') as diagnosticsChannel.Channel & {
  [SUBSCRIBER]?: (message: unknown) => void;
};

/**
 * Subscribes this module's capture, replacing the subscriber an earlier load of the module left on the
 * process-wide channel, so a response gets one `end` listener.
 */
export function installResponseCapture(): void {
  if (installed) return;
  installed = true;
  const previous = channel[SUBSCRIBER];
  if (previous) diagnosticsChannel.unsubscribe(channel.name, previous);
  channel[SUBSCRIBER] = onResponse;
  diagnosticsChannel.subscribe(channel.name, onResponse);
}

/** The response that just ended, when it is the one for `method` and `path`; consumed by the call. */
export function takeCapturedResponse(method: string, path: string): CapturedResponse | undefined {
  const captured = lastResponse;
  if (!captured || captured.method !== method || captured.path !== path) return undefined;
  lastResponse = undefined;
  return captured;
}
