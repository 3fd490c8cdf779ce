/**
 * OVH-shaped error answers. Handlers throw `SimHttpError`; the HTTP layer turns it into the JSON body.
 */

/** The JSON body of an OVH error answer. */
export interface OvhErrorBody {
  class?: string;
  errorCode?: string;
  httpCode?: string;
  message: string;
  /** Extra facts, e.g. `unauthorizedActionsByIAM` on an IAM refusal. */
  details?: Record<string, string>;
}

/** An error answer: HTTP status, OVH body, optional extra headers (e.g. Retry-After). */
export class SimHttpError extends Error {
  override name = 'SimHttpError';
  constructor(
    readonly status: number,
    readonly body: OvhErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

/** 400 Client::BadRequest (or a subclass of it). */
export function badRequest(message: string, subclass?: string): SimHttpError {
  return new SimHttpError(400, { class: subclass ? `Client::BadRequest::${subclass}` : 'Client::BadRequest', message });
}

/** 404 "Got an invalid (or empty) URL": what OVH answers for a path it does not serve. */
export function invalidUrl(): SimHttpError {
  return new SimHttpError(404, { class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' });
}

/** 404 "The requested object (name = value) does not exist". */
export function objectNotFound(name: string, value: string | number): SimHttpError {
  return new SimHttpError(404, {
    class: 'Client::NotFound',
    message: `The requested object (${name} = ${value}) does not exist`,
  });
}

/** 405 for a known path called with another method (status assumed, message observed). */
export function methodNotAllowed(method: string): SimHttpError {
  return new SimHttpError(405, {
    class: 'Client::MethodNotAllowed',
    message: `The call does not answer to the ${method} HTTP method`,
  });
}

const HTTP_CODES: Record<number, string> = {
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
};

/** An authentication error carrying both generations of fields: class and errorCode/httpCode. */
export function authError(status: 400 | 401 | 403, cls: string, errorCode: string, message: string): SimHttpError {
  return new SimHttpError(status, { class: cls, errorCode, httpCode: HTTP_CODES[status], message });
}

/** 500 used by injected faults only. */
export function internalError(message: string, subclass?: string): SimHttpError {
  const cls = subclass ? `Server::InternalServerError::${subclass}` : 'Server::InternalServerError';
  return new SimHttpError(500, { class: cls, message });
}

/** 460: the service has expired or is suspended (python-ovh's ResourceExpiredError); the body is assumed. */
export function serviceExpired(serviceName: string): SimHttpError {
  return new SimHttpError(460, { class: 'Client::ResourceExpired', message: `The service ${serviceName} is expired` });
}
