/**
 * A campaign that says `bootProbe: none` proves no boot: `reimage status` and every report format say so
 * next to its `done` servers.
 */
import { BOOT_NOT_VERIFIED } from '../../src/cli/boot-verification';
import { campaignYaml, cliJson, runCli, startCliStack, type CliStack } from './helpers/cli-harness';

let stack: CliStack;

beforeAll(async () => {
  stack = await startCliStack([{}], 3000);
  const file = stack.writeCampaign(
    'unverified.yaml',
    campaignYaml(stack, 'unverified', { servers: stack.servers, top: { bootProbe: 'none' } }),
  );
  await cliJson(['start', file, '--id', 'unverified', '--yes', '--json'], stack.env);
  await stack.result('unverified');
});
afterAll(() => stack?.close());

it('says in status that the boot was not verified, and exits 0: every server is done', async () => {
  const result = await runCli(['status', 'unverified'], stack.env);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  expect(result.stdout.split('\n')).toContain(BOOT_NOT_VERIFIED);
});

it('says it in the markdown report and marks the JSON report', async () => {
  const markdown = await runCli(['report', 'unverified', '--format', 'markdown'], stack.env);
  expect(markdown.code).toBe(0);
  expect(markdown.stdout.split('\n').slice(0, 5)).toEqual([
    '# Campaign unverified: done',
    '',
    BOOT_NOT_VERIFIED,
    '',
    expect.stringMatching(/^Duration .+, 1 servers, 0 failures/),
  ]);
  const json = await cliJson<{ bootNotVerified?: boolean; totals: { byOutcome: object } }>(
    ['report', 'unverified', '--format', 'json'],
    stack.env,
  );
  expect(json).toMatchObject({ bootNotVerified: true, totals: { byOutcome: { done: 1 } } });
  const html = await runCli(['report', 'unverified', '--format', 'html'], stack.env);
  expect(html.stdout).toContain(`<p><strong>${BOOT_NOT_VERIFIED.replace(/"/g, '&quot;')}</strong></p>`);
});
