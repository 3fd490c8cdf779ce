/**
 * Turns a ZodError into campaign issues: unions are reduced to the branch the input was aimed at, and each
 * unknown key becomes its own issue with a "did you mean" computed against the keys allowed at that path.
 */
import { z } from 'zod';
import { formatPath, issueMessage, valueAt, type CampaignIssue } from './errors';
import { closestMatch } from './suggest';

type Path = readonly (string | number)[];

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodDefault) current = current.removeDefault();
    else if (current instanceof z.ZodEffects) current = current.innerType();
    else if (current instanceof z.ZodLazy) current = current.schema;
    else return current;
  }
}

/** The object schema(s) that can describe the value at `path`, following the input where unions branch. */
function objectSchemaAt(schema: z.ZodTypeAny, path: Path, data: unknown): z.AnyZodObject | undefined {
  const current = unwrap(schema);
  if (current instanceof z.ZodDiscriminatedUnion) {
    const tag = (valueAt(data, path) as Record<string, unknown> | undefined)?.[current.discriminator];
    const option = current.optionsMap.get(tag as z.Primitive);
    return option === undefined ? undefined : objectSchemaAt(option, path, data);
  }
  if (current instanceof z.ZodUnion) {
    const options = current.options as z.ZodTypeAny[];
    for (const option of options) {
      const found = objectSchemaAt(option, path, data);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return current instanceof z.ZodObject ? current : undefined;
}

/** The schema describing the value at `path` inside `root`, or undefined when the path leaves the schema. */
function schemaAt(root: z.ZodTypeAny, path: Path, data: unknown): z.ZodTypeAny | undefined {
  let current: z.ZodTypeAny | undefined = root;
  for (let depth = 0; depth < path.length && current !== undefined; depth += 1) {
    const segment = path[depth] as string | number;
    const plain = unwrap(current);
    if (plain instanceof z.ZodArray) current = plain.element;
    else if (plain instanceof z.ZodRecord) current = plain.valueSchema;
    else current = objectSchemaAt(plain, path.slice(0, depth), data)?.shape[segment];
  }
  return current;
}

/** Keys allowed in the object at `path` (empty when unknown). */
function allowedKeysAt(root: z.ZodTypeAny, path: Path, data: unknown): string[] {
  const schema = schemaAt(root, path, data);
  const object = schema === undefined ? undefined : objectSchemaAt(schema, path, data);
  return object === undefined ? [] : Object.keys(object.shape);
}

function unknownKeyIssues(root: z.ZodTypeAny, issue: z.ZodUnrecognizedKeysIssue, data: unknown): CampaignIssue[] {
  const allowed = allowedKeysAt(root, issue.path, data);
  return issue.keys.map((key) => {
    const guess = closestMatch(key, allowed);
    const hint = guess ? `did you mean ${JSON.stringify(guess)}?` : `allowed keys are ${allowed.join(', ')}`;
    return { path: formatPath([...issue.path, key]), message: `unknown key; ${hint}` };
  });
}

/** True when every issue of a union branch only says "the input is not of this branch's type". */
function isTypeMismatch(issues: readonly z.ZodIssue[], unionPath: Path): boolean {
  return issues.every(
    (issue) =>
      issue.path.length === unionPath.length &&
      (issue.code === 'invalid_type' || issue.code === 'invalid_literal' || issue.code === 'invalid_enum_value'),
  );
}

/** Campaign issues for every zod issue, in order. */
export function toCampaignIssues(root: z.ZodTypeAny, issues: readonly z.ZodIssue[], data: unknown): CampaignIssue[] {
  return issues.flatMap((issue): CampaignIssue[] => {
    if (issue.code === 'unrecognized_keys') return unknownKeyIssues(root, issue, data);
    if (issue.code === 'invalid_union') {
      const aimed = issue.unionErrors.filter((error) => !isTypeMismatch(error.issues, issue.path));
      if (aimed.length > 0) return toCampaignIssues(root, (aimed[0] as z.ZodError).issues, data);
    }
    return [{ path: formatPath(issue.path), message: issueMessage(issue, data) }];
  });
}
