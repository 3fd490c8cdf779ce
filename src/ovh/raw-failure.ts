/**
 * Turns what node-ovh hands its callback on failure into an OvhApiError. node-ovh passes an HTTP status
 * (number >= 100), a Node errno (negative number), a string of its own, an OAuth2 error object, or an Error.
 */
import { getSystemErrorName } from 'node:util';
import { OvhApiError, OvhErrorKind } from './errors';
import type { CapturedResponse } from './response-capture';

/** A failed call as the client observed it. */
export interface RawFailure {
  error?: unknown;
  /** node-ovh's second callback argument: OVH's `message` on HTTP errors. */
  message?: unknown;
  /** The raw response body (from node-ovh's debug hook). */
  rawBody?: string;
  captured?: CapturedResponse;
  /** Set when our own timer fired. */
  timeoutMs?: number;
}

interface ErrorBody {
  class?: string;
  errorCode?: string;
  message?: string;
  details?: Record<string, string>;
}

/** OVH's `details` map with its string values, or undefined when the body has none. */
function detailsOf(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function parseBody(rawBody: string | undefined): ErrorBody {
  if (!rawBody) return {};
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (parsed === null || typeof parsed !== 'object') return {};
    const record = parsed as Record<string, unknown>;
    const text = (key: string) => (typeof record[key] === 'string' ? (record[key] as string) : undefined);
    return {
      class: text('class'),
      errorCode: text('errorCode'),
      message: text('message'),
      details: detailsOf(record.details),
    };
  } catch {
    return {};
  }
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(errno);
  } catch {
    return `errno ${errno}`;
  }
}

/** The OvhApiError for a failed call to `method path`. */
export function toOvhApiError(failure: RawFailure, method: string, path: string): OvhApiError {
  const base = { method, path, queryId: failure.captured?.queryId };
  if (failure.timeoutMs !== undefined) {
    return new OvhApiError({
      ...base,
      kind: OvhErrorKind.Timeout,
      ovhMessage: `no answer after ${failure.timeoutMs} ms`,
    });
  }
  const { error } = failure;
  if (typeof error === 'number' && error >= 100) {
    const body = parseBody(failure.rawBody);
    const message = body.message ?? (typeof failure.message === 'string' ? failure.message : undefined);
    return new OvhApiError({
      ...base,
      kind: OvhErrorKind.Http,
      status: error,
      errorClass: body.class,
      errorCode: body.errorCode,
      ovhMessage: message ?? 'OVH sent no message',
      details: body.details,
      retryAfterMs: failure.captured?.retryAfterMs,
    });
  }
  if (typeof error === 'number') {
    return new OvhApiError({ ...base, kind: OvhErrorKind.Network, ovhMessage: errnoName(error) });
  }
  if (typeof error === 'string') return fromNodeOvhString(error, base);
  if (error !== null && typeof error === 'object' && 'statusCode' in error) return fromOauthFailure(error, base);
  const described = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return new OvhApiError({ ...base, kind: OvhErrorKind.Network, ovhMessage: described });
}

function fromNodeOvhString(error: string, base: { method: string; path: string }): OvhApiError {
  if (error.includes('Unable to fetch OVH API time')) {
    return new OvhApiError({
      ...base,
      kind: OvhErrorKind.Auth,
      ovhMessage: 'GET /auth/time failed, so the request could not be signed',
    });
  }
  if (error.includes('Unable to parse JSON')) {
    return new OvhApiError({
      ...base,
      kind: OvhErrorKind.InvalidResponse,
      status: 200,
      ovhMessage: 'the answer is not JSON',
    });
  }
  return new OvhApiError({ ...base, kind: OvhErrorKind.Network, ovhMessage: error.replace(/^\[OVH\] /, '') });
}

/** simple-oauth2's token failure, as node-ovh reshapes it: `{statusCode, error, message}`. */
function fromOauthFailure(error: object, base: { method: string; path: string }): OvhApiError {
  const record = error as { statusCode?: unknown; error?: unknown; message?: unknown };
  const status = typeof record.statusCode === 'number' ? record.statusCode : undefined;
  const reason = typeof record.error === 'string' ? record.error : 'the token request failed';
  return new OvhApiError({
    ...base,
    kind: OvhErrorKind.Auth,
    status,
    ovhMessage: `OAuth2 token request refused (${reason}); check OVH_CLIENT_ID and OVH_CLIENT_SECRET`,
  });
}
