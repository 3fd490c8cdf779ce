/**
 * The one error a campaign file can fail with, and the translation of zod issues into campaign issues
 * (`rollout.maxParallel: must be at least 1 (got 0)`, `rollout.maxParalel: unknown key; did you mean
 * "maxParallel"?`). Values are echoed except under secret-bearing keys, where only their type is shown.
 */
import { z } from 'zod';
import { closestMatch } from './suggest';

/** One problem in a campaign file: the spec path (e.g. "servers[3]", "rollout.maxParallel") and what is wrong. */
export interface CampaignIssue {
  path: string;
  message: string;
}

/** The campaign file is invalid; `issues` lists every problem found, `message` one per line as `path: message`. */
export class CampaignValidationError extends Error {
  override readonly name = 'CampaignValidationError';
  constructor(readonly issues: CampaignIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'));
  }
}

/** Path shown for problems with the file as a whole. */
export const ROOT_PATH = '(root)';

/** "rollout.maxParallel", "servers[3]", 'image.httpHeaders["X Token"]'; the root is "(root)". */
export function formatPath(segments: readonly (string | number)[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? ROOT_PATH : text;
}

const SECRET_KEYS = new Set(['httpheaders', 'sshkey', 'userdata', 'metadata', 'credentials']);

/** The value at a zod path inside the parsed file (undefined when absent). */
export function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** "5", '"abc"', "true", "null", "a list", "an object"; only the type under secret-bearing keys. */
function describeValue(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (secret) return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const EXPECTED_TYPE: Record<string, string> = {
  string: 'must be a string',
  number: 'must be a number',
  integer: 'must be a whole number',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be a mapping of keys to values',
};

function isDefaultMessage(issue: z.ZodIssue): boolean {
  return issue.message === z.defaultErrorMap(issue, { data: undefined, defaultError: issue.message }).message;
}

function sizeMessage(issue: z.ZodIssue & { code: 'too_small' | 'too_big' }, value: unknown): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const word = issue.code === 'too_small' ? 'least' : 'most';
  if (issue.type === 'string') {
    if (issue.code === 'too_small' && limit === 1) return 'must not be empty';
    return `must be at ${word} ${limit} characters long (got ${String(value).length})`;
  }
  if (issue.type === 'array') {
    if (issue.code === 'too_small' && limit === 1) return 'must not be empty';
    return `must list at ${word} ${limit} entries (got ${(value as unknown[]).length})`;
  }
  if (!issue.inclusive) {
    return `must be ${issue.code === 'too_small' ? 'greater' : 'less'} than ${limit} (got ${describeValue(value, false)})`;
  }
  return `must be at ${word} ${limit} (got ${describeValue(value, false)})`;
}

function typeMessage(issue: z.ZodInvalidTypeIssue, value: unknown, secret: boolean): string {
  if (issue.received === 'undefined') return 'is required';
  const plain = isDefaultMessage(issue as z.ZodIssue);
  const expectation = plain ? (EXPECTED_TYPE[issue.expected] ?? `must be ${issue.expected}`) : issue.message;
  const quoteHint = plain && issue.expected === 'string' && /^(number|boolean)$/.test(typeof value) && !secret;
  return `${expectation} (got ${describeValue(value, secret)})${quoteHint ? `; write it in quotes: "${String(value)}"` : ''}`;
}

function choicesMessage(options: readonly unknown[], value: unknown): string {
  const choices = options.map((option) => JSON.stringify(option));
  const guess = typeof value === 'string' ? closestMatch(value, options.map(String)) : undefined;
  if (value === undefined) return `is required: one of ${choices.join(', ')}`;
  const got = describeValue(value, false);
  return `must be one of ${choices.join(', ')} (got ${got})${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''}`;
}

/** The message of one zod issue (other than unrecognized keys and unions, handled by the caller). */
export function issueMessage(issue: z.ZodIssue, data: unknown): string {
  const value = valueAt(data, issue.path);
  const secret = issue.path.some((segment) => SECRET_KEYS.has(String(segment).toLowerCase()));
  switch (issue.code) {
    case 'invalid_type':
      return typeMessage(issue, value, secret);
    case 'too_small':
    case 'too_big':
      return isDefaultMessage(issue) ? sizeMessage(issue, value) : issue.message;
    case 'invalid_enum_value':
      return isDefaultMessage(issue) ? choicesMessage(issue.options, value) : issue.message;
    case 'invalid_literal':
      return choicesMessage([issue.expected], value);
    case 'invalid_union_discriminator':
      return choicesMessage(issue.options, value);
    case 'invalid_union':
      return value === undefined ? 'is required' : `${issue.message} (got ${describeValue(value, secret)})`;
    default:
      return isDefaultMessage(issue) ? 'is not valid' : issue.message;
  }
}
