/**
 * `reimage plan --json` end to end: the CLI runs planCampaignWorkflow on a worker in this process, which
 * resolves the servers and preflights them against the simulator over HTTPS.
 */
import { campaignYaml, cliJson, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;

beforeAll(async () => {
  // The third server has 3 GiB of RAM: OVH keeps all of it for the installer, so no image fits.
  stack = await startCliStack([{}, {}, { memoryMb: 3072 }, {}], 3000);
});
afterAll(() => stack?.close());

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

  const plan = await cliJson<Record<string, unknown>>(['plan', file, '--json'], stack.env);

  const placement = { datacenter: 'gra3', rack: 'G101A01' };
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
    apiCalls: stack.sim.state.counters().total - callsBefore,
    // Two servers, two at a time: one slot of a typical 11-minute install.
    etaMs: 11 * 60_000,
  });
  expect(stack.servers.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual([0, 0, 0, 0]);
});
