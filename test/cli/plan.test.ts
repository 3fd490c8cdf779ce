/**
 * `reimage plan --json` end to end: the CLI runs planCampaignWorkflow on a worker in this process, which
 * resolves the servers and preflights them against the simulator over HTTPS.
 */
import { lastSeq, serverCalls } from '../helpers/server-calls';
import { startHookReceiver, type HookReceiver } from '../../testkit/hook-receiver';
import { testCa } from '../helpers/simulator';
import { campaignYaml, cliJson, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;
let receiver: HookReceiver;

beforeAll(async () => {
  receiver = await startHookReceiver(testCa());
  // The third server has 3 GiB of RAM: OVH keeps all of it for the installer, so no image fits.
  // The last three are of another range, for sampling.
  const rise = { commercialRange: 'RISE-1' };
  stack = await startCliStack([{}, {}, { memoryMb: 3072 }, {}, rise, rise, rise], 3000, undefined, {
    REIMAGE_HOOK_HOSTS: receiver.host,
    HOOK_SECRET: 'plan-secret',
    REIMAGE_CAMPAIGN_VARS: 'HOOK_SECRET',
  });
});
afterAll(() => Promise.all([stack?.close(), receiver?.close()]));

it('lists the servers to reimage, the skipped ones with their failed checks, unknown and excluded servers, and the waves', async () => {
  const [ok1, ok2, smallRam, excluded] = stack.servers as [string, string, string, string];
  const missing = 'ns0000001.ip-10-0-0.eu';
  const file = stack.writeCampaign(
    'plan.yaml',
    campaignYaml(stack, 'plan-check', {
      servers: [ok1, ok2, smallRam, excluded, missing],
      rollout: { waves: [1, '100%'], maxParallel: 2 },
      top: { exclude: [excluded] },
    }),
  );
  const callsBefore = stack.sim.state.counters().total;

  const result = await runCli(['plan', file, '--json'], stack.env);
  const plan = JSON.parse(result.stdout) as Record<string, unknown>;

  // An unknown server makes "reimage start" refuse the campaign: the plan says so and exits 3.
  expect({ code: result.code, lastLine: result.stderr.trimEnd().split('\n').at(-1) }).toEqual({
    code: 3,
    lastLine: 'reimage start would refuse this campaign (1 refused): fix each "refused" line, then plan again.',
  });

  // The OVH_* variables are the worker's one account, `default`.
  const placement = { account: 'default', datacenter: 'gra3', rack: 'G101A01' };
  expect(plan).toEqual({
    campaignId: expect.stringMatching(/^plan-check-\d{8}-\d{4}$/),
    servers: [
      { serviceName: ok1, ...placement },
      { serviceName: ok2, ...placement },
    ],
    skipped: [
      {
        serviceName: smallRam,
        failedChecks: [
          {
            check: 'image_fits_ram',
            message:
              `The image (0.0 GiB) does not fit in the RAM of ${smallRam} minus 3 GiB (0.0 GiB); OVH holds the image ` +
              'in memory while writing it. Shrink the image or skip this server.',
          },
        ],
      },
    ],
    unknown: [missing],
    ambiguous: [],
    excluded: [excluded],
    notAllowed: [],
    waves: [1, 1],
    image: {
      sizeBytes: stack.image.sizeBytes,
      format: 'raw',
      checksumVerified: true,
      computedChecksum: stack.image.sha256,
      partitionTable: 'gpt',
      hasEfiSystemPartition: true,
    },
    rights: [{ account: 'default', mode: 'application-key', missing: [] }],
    apiCalls: stack.sim.state.counters().total - callsBefore,
    // Two servers, two at a time: one slot of a typical 11-minute install.
    etaMs: 11 * 60_000,
    estimate: {
      etaMs: 11 * 60_000,
      bound: 'installs',
      installBoundMs: 11 * 60_000,
      // 15.2 calls at the test stack's budget of a million a minute.
      budgetBoundMs: 1,
      callsPerServer: 7.6,
      rateLimitPerMinute: 1_000_000,
      advice:
        'maxParallel (2) bounds it: a higher maxParallel would go faster, up to about 7894736 servers per hour that the OVH budget allows.',
    },
  });
  expect(stack.servers.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual(stack.servers.map(() => 0));
});

it('preflights a sample of each commercial range, keeps the others unchecked and says what was sampled', async () => {
  const [ok1, ok2, , , rise1, rise2, rise3] = stack.servers as string[];
  const names = [ok1!, ok2!, rise1!, rise2!, rise3!];
  const file = stack.writeCampaign('sample.yaml', campaignYaml(stack, 'plan-sample', { servers: names }));
  const since = lastSeq(stack.sim);

  const plan = await cliJson<Record<string, unknown>>(['plan', file, '--sample', '1', '--json'], stack.env);

  expect(plan.sampled).toEqual([
    { commercialRange: 'advance-1', servers: 2, preflighted: 1 },
    { commercialRange: 'rise-1', servers: 3, preflighted: 1 },
  ]);
  expect((plan.servers as { serviceName: string }[]).map((server) => server.serviceName)).toEqual(names);
  expect(plan.skipped).toEqual([]);
  // A preflight always lists the server's install tasks: only the first server of each range was preflighted.
  const preflighted = names.filter((name) =>
    serverCalls(stack.sim, name, since).includes('GET /dedicated/server/{serviceName}/task'),
  );
  expect(preflighted).toEqual([ok1, rise1]);
});

it('refuses a sample that is not a whole number of servers, naming the option', async () => {
  const result = await runCli(['plan', 'any.yaml', '--sample', '0'], stack.env);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(
    '--sample must be a whole number of servers per commercial range, 1 or more (got "0").',
  );
});

it('checks every hook: a webhook on the allow-list answers its ping, another host is refused by name, and a hook task queue nobody polls is reported', async () => {
  receiver.answer(() => 204);
  const hooks = {
    beforeWipe: { webhook: { url: receiver.url('/lb'), secret: '${HOOK_SECRET}' } },
    afterBoot: { workflow: { type: 'undrainNode', taskQueue: 'nobody-polls-this-queue' } },
    afterRollback: { webhook: { url: 'https://tickets.example.com/reimage' } },
  };
  const file = stack.writeCampaign(
    'hooks.yaml',
    campaignYaml(stack, 'plan-hooks', { servers: [stack.servers[0]!], top: { hooks } }),
  );

  const plan = await runCli(['plan', file], stack.env);

  expect(plan.code).toBe(3);
  expect(plan.stdout.split('\n').filter((line) => line.startsWith('hook '))).toEqual([
    `hook ok hooks.beforeWipe.webhook.url (${receiver.url('/lb')}): answers a ping with HTTP 204`,
    `hook refused hooks.afterRollback.webhook.url (https://tickets.example.com/reimage): hooks.afterRollback.webhook.url: "tickets.example.com" is not on the worker's hook allow-list (REIMAGE_HOOK_HOSTS; it holds ${receiver.host}); add the host there or change the URL`,
    'hook not ready hooks.afterBoot.workflow (undrainNode on task queue nobody-polls-this-queue): no worker polls task queue "nobody-polls-this-queue": start the worker that runs undrainNode before the campaign',
  ]);
  expect(receiver.deliveries.map((d) => [d.path, d.event])).toEqual([['/lb', 'ping']]);

  const start = await runCli(['start', file, '--yes'], stack.env);
  expect({ code: start.code, stderr: start.stderr.trim() }).toEqual({
    code: 3,
    stderr: `Nothing was started; the worker refuses these hook hosts:\nhooks.afterRollback.webhook.url: "tickets.example.com" is not on the worker's hook allow-list (REIMAGE_HOOK_HOSTS; it holds ${receiver.host}); add the host there or change the URL`,
  });
});

it('refuses to start a campaign naming a server no OVH account has, with exit 3, the server named and the nearest name', async () => {
  // One character off the second server's name: a typo.
  const missing = stack.servers[1]!.replace('.cli.', '.cl1.');
  const file = stack.writeCampaign(
    'unknown-server.yaml',
    campaignYaml(stack, 'unknown-server', { servers: [stack.servers[0]!, missing] }),
  );

  expect(await runCli(['start', file, '--yes'], stack.env)).toEqual({
    code: 3,
    stdout: '',
    stderr: `Nothing was started; fix the campaign's server list:\n${missing}: no OVH account of the worker has such a server; did you mean "${stack.servers[1]}"?\n`,
  });
});
