/**
 * Durations ("90s", "10m", "1h30m") and percentages ("20%") as written in campaign files.
 * Workflow-safe: no imports, no Node.js built-ins.
 */

/** Milliseconds per duration unit, largest first: the order components must appear in. */
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type DurationUnit = keyof typeof UNIT_MS;

const DURATION_EXAMPLES = '"90s", "10m", "4h" or "1h30m"';
const COMPONENT = /(\d+)(ms|d|h|m|s)/y;

/** A duration or percentage that could not be read; the message says what is wrong and what to write. */
export class UnitParseError extends Error {
  override readonly name = 'UnitParseError';
}

/** Longest duration accepted anywhere in a campaign file: beyond it a value is a typo, not a plan. */
const MAX_DURATION_MS = 366 * UNIT_MS.d;

/**
 * Reads a duration string into milliseconds, or says what is wrong with it.
 * Accepted: whole numbers followed by a unit (`ms`, `s`, `m`, `h`, `d`), largest unit first, each unit once,
 * without spaces: "90s", "10m", "4h", "1h30m", "1d12h", "500ms"; at most 366 days.
 */
export function readDuration(text: string): { ms: number } | { problem: string } {
  if (text.trim() === '') return { problem: `must be a duration like ${DURATION_EXAMPLES} (got an empty string)` };
  if (/^\d+$/.test(text)) return { problem: `has no unit: write "${text}s" or "${text}m" (units: ms, s, m, h, d)` };
  COMPONENT.lastIndex = 0;
  let lastRank = -1;
  let ms = 0;
  while (COMPONENT.lastIndex < text.length) {
    const match = COMPONENT.exec(text);
    if (!match) return { problem: `must be a duration like ${DURATION_EXAMPLES} (got ${JSON.stringify(text)})` };
    const unit = match[2] as DurationUnit;
    const rank = Object.keys(UNIT_MS).indexOf(unit);
    if (rank <= lastRank) {
      return { problem: `must list each unit once, largest first, like "1h30m" (got ${JSON.stringify(text)})` };
    }
    lastRank = rank;
    ms += Number(match[1]) * UNIT_MS[unit];
  }
  if (ms > MAX_DURATION_MS) return { problem: `must be at most 366d (got ${JSON.stringify(text)})` };
  return { ms };
}

/** Milliseconds in a duration string such as "90s", "10m", "4h" or "1h30m"; throws UnitParseError otherwise. */
export function parseDuration(text: string): number {
  const result = readDuration(text);
  if ('problem' in result) throw new UnitParseError(result.problem);
  return result.ms;
}

/** "1h30m" for 5_400_000: the shortest duration string that parses back to `ms` (whole milliseconds). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    const amount = Math.floor(rest / size);
    if (amount > 0) text += `${amount}${unit}`;
    rest -= amount * size;
  }
  return text;
}

const PERCENT = /^(\d{1,3})%$/;

/** True when `text` is written like a percentage ("20%"), whatever its range. */
export function looksLikePercent(text: string): boolean {
  return /^\s*[-+]?\d+(\.\d+)?\s*%\s*$/.test(text);
}

/**
 * The whole number in a percentage string such as "20%"; throws UnitParseError otherwise.
 * Only whole percentages are accepted so that every rounding rule is exact integer arithmetic.
 */
export function parsePercent(text: string): number {
  const match = PERCENT.exec(text);
  if (!match) {
    throw new UnitParseError(`must be a whole percentage like "20%" (got ${JSON.stringify(text)})`);
  }
  return Number(match[1]);
}
