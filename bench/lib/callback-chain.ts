/**
 * The server chain with callbacks (completion.callback), outside a workflow, as reimageServerWorkflow runs
 * it: preflight -> start (its user data carries the phone_home part with the token) -> fallback reads every
 * maxInterval until the simulated server calls back -> the task confirmed by a read 2 s later (then every
 * 5 s while it still runs) -> no boot check. A server that has not called back when its install runs late
 * is polled and its boot checked as without a callback. The callbacks reach a small receiver on loopback
 * that checks each token as `reimage callback-server` does (without Temporal: it releases the server's chain).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackToken, parseCallbackPath, sameToken } from '../../src/activities/callback-token';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeploymentResult, WaitForDeploymentInput } from '../../src/activities/types';
import { fallbackPollDelay, pollPolicyFor } from '../../src/shared/poll-policy';
import type { ChainCalls, chainRunner, PollExpectation } from './sim-bench';
import { BENCH_IMAGE } from './sim-bench';

export const BENCH_CALLBACK_SECRET = 'bench-callback-secret-of-at-least-32-chars';
const RUN_ID = 'bench-run';

/** Receives the fleet's callbacks: each valid one releases its server's waiter. */
export class BenchCallbackReceiver {
  private readonly waiters = new Map<string, () => void>();
  private server?: Server;
  url = '';
  /** Callbacks whose token matched, and the others. */
  readonly counts = { accepted: 0, refused: 0 };

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const target = parseCallbackPath(new URL(req.url ?? '/', 'http://x').pathname);
        const run = target && { workflowId: serverWorkflowId(target.serviceName), runId: RUN_ID, deployment: 1 };
        const release = target && this.waiters.get(target.serviceName);
        const ok = !!run && !!release && sameToken(target.token, callbackToken(BENCH_CALLBACK_SECRET, run));
        this.counts[ok ? 'accepted' : 'refused'] += 1;
        if (ok) {
          this.waiters.delete(target.serviceName);
          release();
        }
        res.writeHead(ok ? 200 : 409).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/phone-home`;
  }

  /** Resolves when `serviceName` calls back. */
  arrival(serviceName: string): Promise<void> {
    return new Promise((resolve) => this.waiters.set(serviceName, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * Waits for the callback, reading the task after each fallback pause as the workflow does (server-callback.ts):
 * the install's end when a read finds it, else whether the server called back before its install ran late.
 */
async function untilCallbackOrLate(
  chain: ReturnType<typeof chainRunner>,
  waitInput: WaitForDeploymentInput,
  called: Promise<void>,
  counts: { apiCalls: number; polls: number },
): Promise<DeploymentResult | 'called' | 'late'> {
  const { activities, run, clock, speed } = chain.parts;
  const policy = pollPolicyFor(waitInput);
  const begun = clock();
  const arrival = called.then(() => 'called' as const);
  for (;;) {
    const pause = fallbackPollDelay(clock() - begun, policy);
    if (pause === undefined) return 'late';
    const pauseEnd = sleep(Math.max(1, pause / speed)).then(() => 'pause' as const);
    if ((await Promise.race([arrival, pauseEnd])) === 'called') return 'called';
    const read = await run(activities.readDeployment, waitInput);
    if (read.status === 'done') return read;
    counts.apiCalls += read.apiCalls;
    counts.polls += read.polls;
  }
}

/** One server's chain with its callback. */
export function callbackChain(chain: ReturnType<typeof chainRunner>, receiver: BenchCallbackReceiver) {
  const { activities, run, mockEnv, preflightOf, deadline, route } = chain.parts;
  return async (serviceName: string, expected: PollExpectation | undefined, poll: object): Promise<ChainCalls> => {
    const preflight = await preflightOf(serviceName);
    if (!preflight.ok)
      return { preflight: preflight.apiCalls, start: 0, wait: 0, verify: 0, polls: 0, installDurationMs: 0, ok: false };
    const called = receiver.arrival(serviceName);
    const completion = { callback: receiver.url, tries: 10 };
    const startEnv = mockEnv({ workflowExecution: { workflowId: serverWorkflowId(serviceName), runId: RUN_ID } });
    const handle = await run(
      activities.startDeployment,
      { campaignId: 'bench', serviceName, route, image: BENCH_IMAGE, attempt: 1, completion, taskCheckpoint: preflight.installTaskCheckpoint },
      startEnv,
    );
    const waitInput = { handle, deadlineAt: deadline(60), ...poll, ...expected };
    const before = { apiCalls: 0, polls: 0 };
    const found = await untilCallbackOrLate(chain, waitInput, called, before);
    const calledBack = found === 'called';
    const waited = typeof found === 'object' ? found : await run(activities.waitForDeployment, { ...waitInput, calledBack });
    const wait = { ...waited, apiCalls: waited.apiCalls + before.apiCalls, polls: waited.polls + before.polls };
    // Without a callback the boot is checked as without completion.callback.
    const verify = calledBack ? 0 : (await run(activities.verifyBoot, { serviceName, deadlineAt: deadline(10), harddiskBootIds: preflight.server?.harddiskBootIds })).apiCalls;
    return { preflight: preflight.apiCalls, start: handle.apiCalls, wait: wait.apiCalls, verify, polls: wait.polls, installDurationMs: wait.installDurationMs, ok: true };
  };
}
