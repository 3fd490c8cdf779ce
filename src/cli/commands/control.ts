/**
 * Operator controls: pause, resume, drain, cancel, approve, set-concurrency, skip and retry. Signals for
 * the fire-and-forget ones; updates, validated by the workflow, where the operator needs an answer.
 */
import { parseArgs } from 'node:util';
import {
  approveNextWaveUpdate,
  cancelCampaignSignal,
  drainCampaignSignal,
  pauseCampaignSignal,
  resumeCampaignSignal,
  retryServerUpdate,
  setConcurrencyUpdate,
  skipServerUpdate,
} from '../../shared/campaign-messages';
import { connectClient } from '../../temporal/connection';
import { campaignHandle } from '../campaign-client';
import { UsageError } from '../errors';
import { printResult } from '../output';

type WorkflowHandle = Awaited<ReturnType<typeof campaignHandle>>;

interface Control {
  args: string;
  summary: string;
  example: string;
  act(handle: WorkflowHandle, extra: string[]): Promise<Record<string, unknown>>;
}

const CONTROLS = {
  pause: {
    args: 'CAMPAIGN',
    summary: 'Stops admitting servers; servers already installing continue.',
    example: 'reimage pause spring-refresh',
    act: async (h) => (await h.signal(pauseCampaignSignal), { paused: true }),
  },
  resume: {
    args: 'CAMPAIGN',
    summary: 'Admits servers again after a pause.',
    example: 'reimage resume spring-refresh',
    act: async (h) => (await h.signal(resumeCampaignSignal), { paused: false }),
  },
  drain: {
    args: 'CAMPAIGN',
    summary: 'Admits no more servers and lets the in-flight ones finish; the campaign ends "drained".',
    example: 'reimage drain spring-refresh',
    act: async (h) => (await h.signal(drainCampaignSignal), { draining: true }),
  },
  cancel: {
    args: 'CAMPAIGN',
    summary: 'Admits no more servers and cancels the in-flight ones, each rolled back to rescue mode.',
    example: 'reimage cancel spring-refresh',
    act: async (h) => (await h.signal(cancelCampaignSignal), { cancelling: true }),
  },
  approve: {
    args: 'CAMPAIGN',
    summary: 'Approves the next wave when the campaign waits for approval.',
    example: 'reimage approve spring-refresh',
    act: async (h) => ({ approvedWave: await h.executeUpdate(approveNextWaveUpdate) }),
  },
  'set-concurrency': {
    args: 'CAMPAIGN N',
    summary: 'Sets how many servers may install at once (1 to 500).',
    example: 'reimage set-concurrency spring-refresh 40',
    act: async (h, [n]) => {
      const value = Number(n);
      if (!n || !Number.isInteger(value))
        throw new UsageError(`set-concurrency needs a whole number, got "${n ?? ''}".`);
      return { concurrency: await h.executeUpdate(setConcurrencyUpdate, { args: [value] }) };
    },
  },
  skip: {
    args: 'CAMPAIGN SERVER',
    summary: 'Skips a server that has not started yet.',
    example: 'reimage skip spring-refresh ns3012345.ip-51-91-12.eu',
    act: async (h, [server]) => (
      await h.executeUpdate(skipServerUpdate, { args: [needServer(server)] }),
      { skipped: server }
    ),
  },
  retry: {
    args: 'CAMPAIGN SERVER',
    summary: 'Queues a failed, skipped or cancelled server again.',
    example: 'reimage retry spring-refresh ns3012345.ip-51-91-12.eu',
    act: async (h, [server]) => ({
      server,
      attempt: await h.executeUpdate(retryServerUpdate, { args: [needServer(server)] }),
    }),
  },
} satisfies Record<string, Control>;

/** A control's command name; src/cli/index.ts lists them by hand (it loads this module only when one runs). */
export type ControlName = keyof typeof CONTROLS;

function needServer(server: string | undefined): string {
  if (!server) throw new UsageError('Name the server (its OVH service name) after the campaign ID.');
  return server;
}

/** The CLI command for control `name`. */
export function controlCommand(name: ControlName) {
  const control: Control = CONTROLS[name];
  const usage = `reimage ${name} ${control.args} [--json]\n\n${control.summary}\n\nExample:\n  ${control.example}`;
  return {
    usage,
    async run(argv: string[]): Promise<number> {
      const { values, positionals } = parseArgs({
        args: argv,
        options: { json: { type: 'boolean' } },
        allowPositionals: true,
      });
      const [campaignId, ...extra] = positionals;
      if (!campaignId) throw new UsageError(`Missing the campaign ID.\n\n${usage}`);
      const client = await connectClient();
      const result = await control.act(await campaignHandle(client, campaignId), extra);
      printResult({ campaignId, control: name, ...result }, values.json, `${name}: done for campaign ${campaignId}`);
      return 0;
    },
  };
}
