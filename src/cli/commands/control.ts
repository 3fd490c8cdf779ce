/**
 * Operator controls: pause, resume, drain, cancel, approve, set-concurrency, skip, release and retry. Signals for
 * the fire-and-forget ones; updates, validated by the workflow, where the operator needs an answer.
 */
import { parseArgs } from 'node:util';
import {
  approveNextWaveUpdate,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  releaseServerUpdate,
  resumeCampaignSignal,
  retryServerUpdate,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../shared/campaign-messages';
import { loadClientConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import { campaignHandle, refuseExtraPositionals } from '../campaign-client';
import { CONTROLS, type ControlName } from '../command-list';
import { UsageError } from '../errors';
import { printResult } from '../output';

type WorkflowHandle = Awaited<ReturnType<typeof campaignHandle>>;
type Act = (handle: WorkflowHandle, extra: string[]) => Promise<Record<string, unknown>>;

/** What each control does to the campaign; its arguments, summary and example are in command-list.ts. */
const ACTS: Record<ControlName, Act> = {
  pause: async (h) => (await h.signal(pauseCampaignSignal), { paused: true }),
  resume: async (h) => (await h.signal(resumeCampaignSignal), { paused: false }),
  drain: async (h) => (await h.signal(drainCampaignSignal), { draining: true }),
  cancel: async (h) => (await h.signal(cancelCampaignSignal), { cancelling: true }),
  approve: async (h) => ({ approvedWave: await h.executeUpdate(approveNextWaveUpdate) }),
  'set-concurrency': async (h, [n]) => ({
    concurrency: await h.executeUpdate(setConcurrencyUpdate, { args: [concurrencyOf(n)] }),
  }),
  skip: async (h, [server]) => (
    await h.executeUpdate(skipServerUpdate, { args: [needServer(server)] }),
    { skipped: server }
  ),
  release: async (h, [server]) => ({
    server,
    released: await h.executeUpdate(releaseServerUpdate, { args: [needServer(server)] }),
  }),
  retry: async (h, [server]) => ({
    server,
    attempt: await h.executeUpdate(retryServerUpdate, { args: [needServer(server)] }),
  }),
};

function concurrencyOf(n: string | undefined): number {
  const value = Number(n);
  if (!n || !Number.isInteger(value)) throw new UsageError(`set-concurrency needs a whole number, got "${n ?? ''}".`);
  return value;
}

/** Checks a control's arguments before Temporal is contacted: their count, and set-concurrency's number. */
function checkArguments(name: ControlName, positionals: string[], usage: string): void {
  refuseExtraPositionals(positionals, CONTROLS[name].args.split(' ').length, usage);
  if (name === 'set-concurrency') concurrencyOf(positionals[1]);
}

function needServer(server: string | undefined): string {
  if (!server) throw new UsageError('Name the server (its OVH service name) after the campaign ID.');
  return server;
}

/** The CLI command for control `name`. */
export function controlCommand(name: ControlName) {
  const control = CONTROLS[name];
  const usage = `reimage ${name} ${control.args} [--json]\n\n${control.summary}.\n\nExample:\n  ${control.example}`;
  return {
    usage,
    async run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
      const { values, positionals } = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' } },
        allowPositionals: true,
      });
      const [campaignId, ...extra] = positionals;
      if (!campaignId) throw new UsageError(`Missing the campaign ID.\n\n${usage}`);
      checkArguments(name, positionals, usage);
      const client = await connectClient(loadClientConfig(env));
      const result = await ACTS[name](await campaignHandle(client, campaignId), extra);
      printResult({ campaignId, control: name, ...result }, values.json, `${name}: done for campaign ${campaignId}`);
      return 0;
    },
  };
}
