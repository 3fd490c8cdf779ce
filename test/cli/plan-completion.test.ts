/**
 * What `reimage plan` says of how a campaign learns that installs ended: by polling alone, or by the
 * servers' callbacks (completion.callback), with the fallback polls and the fewer OVH calls that follow.
 */
import { campaignYaml, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}, {}], 3000);
});
afterAll(() => stack?.close());

async function planLines(name: string, top: Record<string, unknown>): Promise<string[]> {
  const file = stack.writeCampaign(`${name}.yaml`, campaignYaml(stack, name, { servers: stack.servers, top }));
  const plan = await runCli(['plan', file], stack.env);
  expect(plan.code).toBe(0);
  return plan.stdout.split('\n').filter((line) => /^(install ends|OVH calls)/.test(line));
}

it('says installs are found by polling without completion.callback, and where servers call back with it, at fewer OVH calls', async () => {
  expect(await planLines('plan-polling', {})).toEqual([
    expect.stringMatching(/^OVH calls: \d+ for this plan, about 15 for the campaign$/),
    'install ends: found by polling (no completion.callback)',
  ]);

  const callback = 'https://reimage.example.net/phone-home';
  const poll = { minInterval: '1s' };
  expect(await planLines('plan-callback', { completion: { callback }, poll })).toEqual([
    expect.stringMatching(/^OVH calls: \d+ for this plan, about 9 for the campaign$/),
    `install ends: the servers call back to ${callback}, which must reach \`reimage callback-server\`; a server that does not (no cloud-init) is found by polls every 15m until its install runs late, then as without callbacks (the OVH calls above assume every server calls back)`,
  ]);
});
