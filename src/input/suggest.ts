/**
 * "Did you mean" suggestions for misspelt keys and values. Workflow-safe: no imports.
 */

/** Edit distance (insertions, deletions, substitutions) between two strings, compared case-insensitively. */
function levenshtein(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= right.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (left[i - 1] === right[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo: at most a third of the
 * longer word's length in edits (minimum 1), so "maxParalel" suggests "maxParallel" but "foo" suggests nothing;
 * or at most `maxEdits` when given. Ties go to the candidate listed first.
 */
export function closestMatch(input: string, candidates: readonly string[], maxEdits?: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(input, candidate);
    const allowed = maxEdits ?? Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
