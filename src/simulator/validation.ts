/**
 * Request bodies checked with zod and refused the way OVH words it:
 * unknown fields "Received not described parameters: (x) while calling creation handler" (observed),
 * bad enum values "[type] Given data (ova) does not belong to the dedicated.ImageTypesEnum enumeration",
 * missing fields "Missing parameter(s): URL", other type errors "Body parameter x isn't formated correctly".
 */
import type { ZodIssue, ZodType } from 'zod';
import { badRequest, type SimHttpError } from './errors';

export type HandlerKind = 'creation' | 'update';

function issueMessage(issue: ZodIssue, kind: HandlerKind, enumNames: Record<string, string>): string {
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const where = path ? `${path}.` : '';
    return `Received not described parameters: (${issue.keys.map((k) => where + k).join(', ')}) while calling ${kind} handler`;
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `Missing parameter(s): ${path}`;
  if (issue.code === 'invalid_enum_value') {
    const name = enumNames[path] ?? 'expected';
    return `[${path}] Given data (${String(issue.received)}) does not belong to the ${name} enumeration`;
  }
  return `Body parameter ${path || 'body'} isn't formated correctly`;
}

/** Parses a JSON body (undefined when empty) with `schema`, or throws the OVH 400 answer. */
export function parseBody<T>(
  schema: ZodType<T>,
  body: unknown,
  kind: HandlerKind,
  enumNames: Record<string, string> = {},
): T {
  const input = body === undefined ? {} : body;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw badRequest('The request body must be a JSON object');
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as ZodIssue;
  throw badRequest(issueMessage(issue, kind, enumNames));
}

/** The first problem of a value checked against `schema`, as text, or undefined when it is valid. */
export function describeProblem(schema: ZodType, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0] as ZodIssue;
  if (issue.code === 'invalid_enum_value')
    return `"${String(issue.received)}" is not one of ${issue.options.join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}, got ${issue.received}`;
  return issue.message;
}

export type { SimHttpError };
