/**
 * The clock of a `reimage simulator` that a worker rehearses against (REIMAGE_SIMULATOR_SPEED). The
 * simulator runs installs N times faster than OVH; a worker that follows its clock waits and measures in
 * simulated time, so a campaign's poll policy, phase deadlines and learned durations mean against it what
 * they mean against OVH. The simulated time is read once from the simulator's side door (`GET /_sim/clock`,
 * loopback only); from there it advances N times as fast as this machine's clock, from which the simulator
 * computes its own time too. A jump made later through `POST /_sim/advance` is not followed.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { z } from 'zod';

/** The worker cannot follow the simulator's clock; the message names REIMAGE_SIMULATOR_SPEED and the fix. */
export class SimulatorClockError extends Error {
  override name = 'SimulatorClockError';
}

export interface SimulatorClock {
  /** Simulated seconds per real second. */
  readonly speed: number;
  /** Simulated time (epoch ms) at the real instant `realMs` (epoch ms of this machine's clock). */
  at(realMs: number): number;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** Whether `endpoint` is an HTTPS URL on this machine: a simulator (or a tunnel), never OVH by name. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127(\.\d{1,3}){3}$/.test(url.hostname));
}

const clockAnswerSchema = z.object({ now: z.number(), speed: z.number().positive() });

/** GET on the simulator's side door: status and body text. */
function sideDoorGet(endpoint: string, caFile: string | undefined, route: string) {
  const url = new URL(endpoint);
  // The side door is at the root of the simulator's origin, beside the API's base path.
  const target = `${url.protocol}//${url.host}/_sim/${route}`;
  const ca = caFile ? readFileSync(caFile) : undefined;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = https.get(target, { ca, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
  });
}

/**
 * Reads the simulator's time at `endpoint` (an account's OVH_ENDPOINT) and returns a clock that follows
 * it. Throws SimulatorClockError when nothing answers there, when what answers is not a simulator, or when
 * it runs at another speed than `speed`.
 */
export async function followSimulatorClock(
  endpoint: string,
  caFile: string | undefined,
  speed: number,
): Promise<SimulatorClock> {
  const before = Date.now();
  let answer: { status: number; body: string };
  try {
    answer = await sideDoorGet(endpoint, caFile, 'clock');
  } catch (error) {
    throw new SimulatorClockError(
      `REIMAGE_SIMULATOR_SPEED: the simulator at ${endpoint} did not answer GET /_sim/clock (${(error as Error).message}); start "reimage simulator --speed ${speed}" first, or unset REIMAGE_SIMULATOR_SPEED.`,
    );
  }
  // The answer was computed between the two readings of this clock: its middle is the closest guess.
  const anchorRealMs = (before + Date.now()) / 2;
  let parsed: z.infer<typeof clockAnswerSchema> | undefined;
  try {
    parsed = answer.status === 200 ? clockAnswerSchema.parse(JSON.parse(answer.body)) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    throw new SimulatorClockError(
      `REIMAGE_SIMULATOR_SPEED: ${endpoint} answered GET /_sim/clock with status ${answer.status} and no simulated time: it is not a "reimage simulator" of this version; the setting only rehearses against one. Unset REIMAGE_SIMULATOR_SPEED.`,
    );
  }
  if (parsed.speed !== speed) {
    throw new SimulatorClockError(
      `REIMAGE_SIMULATOR_SPEED is ${speed} but the simulator at ${endpoint} runs at speed ${parsed.speed}: set REIMAGE_SIMULATOR_SPEED=${parsed.speed}.`,
    );
  }
  const anchorSimMs = parsed.now;
  return { speed, at: (realMs) => anchorSimMs + (realMs - anchorRealMs) * speed };
}
