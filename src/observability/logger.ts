/**
 * Structured JSON logs, one object per line on stderr: time, level, message, and the campaign and server
 * fields of the context. Every field passes through redact(), so secrets never reach a log in clear.
 */
import { redact } from './redact';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` (e.g. campaignId, serviceName) to every line. */
  child(fields: Record<string, unknown>): Logger;
}

/** A JSON-lines logger writing lines at or above `level` to `write` (stderr by default). */
export function createJsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
  base: Record<string, unknown> = {},
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const emit = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LOG_LEVELS.indexOf(lineLevel) < threshold) return;
    const entry = {
      time: new Date().toISOString(),
      level: lineLevel,
      message,
      ...(redact({ ...base, ...fields }) as object),
    };
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
    child: (fields) => createJsonLogger(level, write, { ...base, ...fields }),
  };
}
