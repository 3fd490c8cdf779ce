/** How the messages about an operator's files show a value they found. Workflow-safe: no imports. */

/** A value for an error message: JSON-quoted and shortened to about 60 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}
