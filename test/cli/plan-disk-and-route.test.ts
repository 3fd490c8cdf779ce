/**
 * What `reimage plan` finds before the window on an endpoint that still serves the legacy route: a disk
 * group the servers do not have (a preflight refusal, no write), and route `auto` probing an OVH that
 * answers 500 (retried, never read as "only the legacy route exists"). And what a campaign records when OVH
 * refuses the install POST with 400 DiskGroup: a failed server, not retried, with nothing to roll back.
 */
import { campaignYaml, runCli, serverOutcomes, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000, undefined, undefined, { legacyByoi: true });
});
afterAll(() => stack?.close());

/** The simulator's request log since `since` (a sequence number), as "METHOD path status" lines. */
function requestsSince(since: number): string[] {
  return stack.sim.state
    .requests()
    .filter((entry) => entry.seq > since)
    .map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

const lastSeq = () => stack.sim.state.requests(1).at(0)?.seq ?? 0;

it('skips every server without the campaign diskGroupId, naming the server, the field and its disk groups, before any write', async () => {
  const [first, second] = stack.servers as [string, string];
  const file = stack.writeCampaign(
    'disk-group.yaml',
    campaignYaml(stack, 'plan-disk-group', { servers: [first, second], top: { diskGroupId: 7 } }),
  );
  const since = lastSeq();

  const plan = await runCli(['plan', file], stack.env);

  expect(plan.stdout.split('\n').filter((line) => line.startsWith('skip') || line.startsWith('  - '))).toEqual([
    `skip ${first}:`,
    `  - disk_group: diskGroupId 7 does not exist on ${first} (it has 1); pick one of those.`,
    `skip ${second}:`,
    `  - disk_group: diskGroupId 7 does not exist on ${second} (it has 1); pick one of those.`,
  ]);
  expect(plan.stdout).toContain('0 servers would be reimaged');
  expect(requestsSince(since).filter((line) => !line.startsWith('GET '))).toEqual([]);
});

it('retries a route auto probe that answers 500 and says what it decided and why: a 500 never picks the retired route', async () => {
  const [first, second] = stack.servers as [string, string];
  // The first two reads of each server's GET .../reinstall answer 500, the third 405.
  stack.sim.state.injectFaults(`probe500=${first}@2+${second}@2`);
  const file = stack.writeCampaign(
    'auto-500.yaml',
    campaignYaml(stack, 'plan-auto-500', { servers: [first, second], top: { route: 'auto' } }),
  );
  const since = lastSeq();

  const plan = await runCli(['plan', file], stack.env);

  expect(plan.stdout.split('\n').filter((line) => line.startsWith('route auto'))).toEqual([
    'route auto chose reinstall for 2 servers: GET .../bringYourOwnImage answered, and so did GET .../reinstall (405): both exist, reinstall preferred',
  ]);
  expect(plan.stdout).toContain('2 servers would be reimaged');
  for (const server of [first, second]) {
    expect(
      requestsSince(since).filter((line) => line.startsWith(`GET /1.0/dedicated/server/${server}/reinstall `)),
    ).toEqual([
      `GET /1.0/dedicated/server/${server}/reinstall 500`,
      `GET /1.0/dedicated/server/${server}/reinstall 500`,
      `GET /1.0/dedicated/server/${server}/reinstall 405`,
    ]);
  }
});

it('records a server whose install POST OVH refuses with 400 DiskGroup as failed once, without a rollback', async () => {
  const [first] = stack.servers as [string];
  stack.sim.state.injectFaults(`disk_group_refused=${first}`);
  const file = stack.writeCampaign('disk-refused.yaml', campaignYaml(stack, 'disk-refused', { servers: [first] }));
  const since = lastSeq();

  const started = await runCli(['start', file, '--yes', '--id', 'disk-refused'], stack.env);
  expect(started.code).toBe(0);
  const report = await stack.result('disk-refused');

  expect(serverOutcomes(report)).toEqual([
    {
      serviceName: first,
      outcome: 'deploy_failed',
      failureType: 'OvhApiPermanent',
      message: `OVH answered 400 Client::BadRequest::DiskGroup to POST /dedicated/server/${first}/reinstall: Disk group 1 is not installable on server ${first} OVH will not install an OS on that disk group, so nothing was installed and repeating the request will not help: set the campaign's diskGroupId to another disk group of the server (GET /dedicated/server/{serviceName}/specifications/hardware lists them), or leave the server out.`,
    },
  ]);
  // One POST, refused; no rescue boot set and no reboot: nothing was started, so nothing is rolled back.
  expect(requestsSince(since).filter((line) => !line.startsWith('GET '))).toEqual([
    `POST /1.0/dedicated/server/${first}/reinstall 400`,
  ]);
});
