/**
 * `reimage plan` against a consumer key granted GET only (the simulator's readOnlyKey): the plan reads the
 * key's rules from GET /auth/currentCredential, names each call a campaign needs that they leave out with
 * the rule that grants it, and exits 3, having sent OVH reads only.
 */
import { campaignYaml, runCli, serverOutcomes, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000, undefined, undefined, { readOnlyKey: true });
});
afterAll(() => stack?.close());

it('names each write a GET-only key may not make, with its access rule and IAM action, and exits 3 before any write', async () => {
  const [first, second] = stack.servers as [string, string];
  const file = stack.writeCampaign('rights.yaml', campaignYaml(stack, 'plan-rights', { servers: [first, second] }));
  const since = stack.sim.state.requests(1).at(0)?.seq ?? 0;

  const plan = await runCli(['plan', file], stack.env);

  expect(plan.code).toBe(3);
  const grant = (method: string, path: string, purpose: string, rule: string, action: string) =>
    `missing right in account default: ${method} ${path} (to ${purpose}); grant the access rule "${rule}" to the consumer key, or the IAM action dedicatedServer:apiovh:${action} to an OAuth2 service account`;
  expect(plan.stdout.split('\n').filter((line) => line.startsWith('missing right'))).toEqual([
    grant(
      'POST',
      '/dedicated/server/{serviceName}/reinstall',
      'start the install',
      'POST /dedicated/server/*/reinstall',
      'reinstall',
    ),
    grant(
      'PUT',
      '/dedicated/server/{serviceName}',
      "set the server's bootId (rescue on rollback)",
      'PUT /dedicated/server/*',
      'put',
    ),
    grant(
      'POST',
      '/dedicated/server/{serviceName}/reboot',
      'reboot into rescue on rollback',
      'POST /dedicated/server/*/reboot',
      'reboot',
    ),
    grant(
      'POST',
      '/dedicated/server/{serviceName}/task/{taskId}/cancel',
      'cancel a waiting install on rollback',
      'POST /dedicated/server/*/task/*/cancel',
      'task/cancel',
    ),
  ]);
  expect(plan.stderr).toContain(
    'The OVH credential of default (4 calls) may not make every call a campaign needs: OVH would refuse them with 403 NOT_GRANTED_CALL during the window. Create a consumer key with the access rules listed above (POST /auth/credential accessRules), set it for the account, and plan again.',
  );
  const methods = new Set(
    stack.sim.state
      .requests()
      .filter((entry) => entry.seq > since)
      .map((entry) => entry.route.split(' ')[0]),
  );
  expect(methods).toEqual(new Set(['GET']));
  expect(stack.servers.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual([0, 0]);
});

it('started anyway, the campaign installs nothing: its first server meets 403 NOT_GRANTED_CALL and no other server of the account starts', async () => {
  const [first, second] = stack.servers as [string, string];
  const file = stack.writeCampaign(
    'rights-start.yaml',
    campaignYaml(stack, 'rights-start', { servers: [first, second], rollout: { waves: ['100%'], maxParallel: 1 } }),
  );

  const started = await runCli(['start', file, '--yes', '--id', 'rights-start'], stack.env);
  expect(started.code).toBe(0);
  const report = await stack.result('rights-start');

  const refusal =
    `OVH answered 403 Client::Forbidden to POST /dedicated/server/${first}/reinstall: This call has not been granted` +
    ` The account's credential may not make this call: the consumer key's rules do not allow it: create a key with` +
    ` the access rule "POST /dedicated/server/*/reinstall". No server of this account can be reimaged until then.`;
  expect(serverOutcomes(report)).toEqual([
    { serviceName: first, outcome: 'not_granted', failureType: 'NotGranted', message: refusal },
    {
      serviceName: second,
      outcome: 'not_granted',
      failureType: 'NotGranted',
      message: `Not started: OVH refused a call on ${first} that the credential of account default was not granted. ${refusal}`,
    },
  ]);
  expect(report.totals.failures).toBe(0);
  expect(stack.servers.map((name) => stack.sim.state.server(name)?.installPosts)).toEqual([0, 0]);
  const secondWrites = stack.sim.state
    .requests()
    .filter((entry) => entry.path.includes(second) && !entry.route.startsWith('GET '));
  expect(secondWrites).toEqual([]);
});

it('says what route auto decided for the servers and why', async () => {
  const file = stack.writeCampaign(
    'rights-auto.yaml',
    campaignYaml(stack, 'plan-auto', { servers: stack.servers, top: { route: 'auto' } }),
  );

  const plan = await runCli(['plan', file], stack.env);

  expect(plan.stdout.split('\n').filter((line) => line.startsWith('route auto'))).toEqual([
    'route auto chose reinstall for 2 servers: GET .../bringYourOwnImage answered 404 "invalid URL": retired',
  ]);
});
