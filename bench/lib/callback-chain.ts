/**
 * The server chain with callbacks (completion.callback), outside a workflow, as reimageServerWorkflow runs
 * it: preflight -> start (its user data carries the phone_home part with the token) -> the wait, polling as
 * usual, until the simulated server calls back -> the wait is cancelled and the task confirmed by a read at
 * once (then every 5 s while it still runs) -> no boot check. The callbacks reach a small receiver on
 * loopback that checks each token as `reimage callback-server` does (without Temporal: it releases the
 * server's chain).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callbackToken, parseCallbackPath, sameToken } from '../../src/activities/callback-token';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
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

/** One server's chain with its callback; the calls of a cancelled wait are those it last heartbeated. */
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
    const pollInput = { ...waitInput, callbackExpected: true };
    const waitEnv = mockEnv();
    let heartbeated = { apiCalls: 0, polls: 0 };
    waitEnv.on('heartbeat', (details: { apiCalls: number; polls: number }) => (heartbeated = details));
    const polled = run(activities.waitForDeployment, pollInput, waitEnv);
    const first = await Promise.race([polled, called.then(() => undefined)]);
    let wait = first;
    // Found by polling: the boot is checked as without a callback.
    const verify = first ? (await run(activities.verifyBoot, { serviceName, deadlineAt: deadline(10), harddiskBootIds: preflight.server?.harddiskBootIds })).apiCalls : 0;
    if (!wait) {
      waitEnv.cancel();
      await polled.catch(() => undefined);
      const confirmed = await run(activities.waitForDeployment, { ...waitInput, calledBack: true });
      wait = { ...confirmed, apiCalls: confirmed.apiCalls + heartbeated.apiCalls, polls: confirmed.polls + heartbeated.polls };
    }
    return { preflight: preflight.apiCalls, start: handle.apiCalls, wait: wait.apiCalls, verify, polls: wait.polls, installDurationMs: wait.installDurationMs, ok: true };
  };
}
