/**
 * `npm run demo` (through testkit/demo/main.ts; the worker image does not ship testkit/):
 * a whole campaign on the embedded defaults. Starts a stack (../stack.ts) of the Temporal dev server with
 * its UI, the OVH API simulator (40 servers, three with faults), the demo image server, a load-balancer pool
 * (../lb-pool.ts) holding every server, and a worker allowed to call it; runs a campaign through the CLI's
 * own plan, start, status and report code, whose hooks drain each server before its wipe and put it back
 * after its boot; shows live progress; prints the report and the pool, and writes the report's HTML version
 * to .data/demo/<campaign>.html; stops what it started.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadCampaignFile } from '../../src/campaign/loader';
import { campaignHtmlReport, fetchReport } from '../../src/cli/commands/report';
import { renderStatus, snapshot } from '../../src/cli/commands/status';
import { runPlan, startCampaign } from '../../src/cli/plan-runner';
import { formatReport } from '../../src/cli/report-format';
import { startCallbackReceiver } from '../../src/cli/callback-receiver';
import { campaignHostKeys, knownHostsText } from '../../src/cli/known-hosts';
import type { CampaignReport } from '../../src/shared/campaign-report-types';
import { PROJECT_ROOT } from '../../src/temporal/binaries';
import { ensureCa } from '../../src/simulator/ca';
import { startLbPool, type LbPool } from '../lb-pool';
import { inProcessSimulator } from '../simulators';
import { startStack } from '../stack';
import { inProcessWorker } from '../workers';
import { demoCampaignYaml } from './campaign';

const DEMO_DIR = path.join(PROJECT_ROOT, '.data', 'demo');
/** Servers the demo makes fail, by index in the simulated fleet: each fault of a different kind. */
const FAULTS: [number, string][] = [
  [7, 'download_fail'],
  [15, 'checksum_mismatch'],
  [23, 'efi_boot_fail'],
];

/** Runs the demo on `baseEnv` (the `reimage` process's); returns 0 when the campaign ends done, else 5. */
export async function runDemo(
  baseEnv: NodeJS.ProcessEnv,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const started = Date.now();
  // The SDK's own INFO and WARN lines (worker states, the activity failures the faults provoke) would
  // bury the progress lines; the report shows every failure.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const caDir = path.join(DEMO_DIR, 'ca');
  const hookSecret = randomBytes(16).toString('hex');
  const callbackSecret = randomBytes(32).toString('base64');
  const pool = await startLbPool(ensureCa(caDir), [], hookSecret);
  const stack = await startStack({
    baseEnv,
    caDir,
    temporal: { ui: true },
    simulator: inProcessSimulator({ servers: 40, seed: 'demo', speed: 120 }),
    worker: inProcessWorker(),
    taskQueue: 'reimage-demo',
    // The worker may call the pool (and nothing else), and signs its hooks with the pool's secret.
    env: {
      REIMAGE_HOOK_HOSTS: pool.host,
      REIMAGE_CAMPAIGN_VARS: 'HOOK_SECRET',
      HOOK_SECRET: hookSecret,
      REIMAGE_CALLBACK_SECRET: callbackSecret,
    },
    log,
  }).catch(async (err: unknown) => {
    await pool.close();
    throw err;
  });
  const receiver = await startCallbackReceiver({ client: stack.client, secret: callbackSecret, port: 0 });
  try {
    const { sim, temporal, client } = stack;
    for (const server of sim.servers) pool.members.add(server);
    log(`Temporal dev server on ${temporal.address}, UI ${temporal.uiUrl} (started in ${temporal.startMs} ms)`);
    sim.state.injectFaults(FAULTS.map(([index, fault]) => `${fault}=${sim.servers[index]}`).join(','));
    log(`OVH API simulator on ${sim.url} (40 servers, faults: ${FAULTS.map(([, f]) => f).join(', ')})`);

    mkdirSync(DEMO_DIR, { recursive: true });
    const file = path.join(DEMO_DIR, 'campaign.yaml');
    const probeUrl = `https://localhost:${sim.port}/_sim/probe/{serviceName}`;
    const image = { imageUrl: stack.image.url, sha256: stack.image.sha256 };
    const hookUrl = `${pool.url}/hooks`;
    const callbackUrl = `${receiver.url}/phone-home`;
    log(`Callback receiver (reimage callback-server) on ${receiver.url}: the servers call back once their OS is up`);
    writeFileSync(
      file,
      demoCampaignYaml({ name: 'demo', servers: sim.servers, ...image, probeUrl, hookUrl, callbackUrl }),
    );
    const spec = await loadCampaignFile(file);
    const campaignId = `demo-${randomBytes(3).toString('hex')}`;
    const plan = await runPlan(client, spec, campaignId, false, stack.config);
    const workflowId = await startCampaign(
      client,
      spec,
      campaignId,
      plan.servers,
      stack.config.taskQueue,
      plan.ovhClockSpeed,
    );
    const uiUrl = `${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    log(`Campaign ${campaignId} started: ${plan.servers.length} servers, waves ${plan.waves.join(', ')}`);
    log(`Watch it in the Temporal UI while the demo runs: ${uiUrl}`);

    await watch(client, campaignId);
    const report = await fetchReport(client, campaignId);
    process.stdout.write(`\n${formatReport(report, 'markdown')}\n\n${poolLine(pool, sim.servers)}\n\n`);
    process.stdout.write(`reimage report ${campaignId} --format known-hosts:\n${await knownHosts(client, report)}\n\n`);
    const htmlFile = path.join(DEMO_DIR, `${campaignId}.html`);
    writeFileSync(htmlFile, await campaignHtmlReport(client, report));
    process.stdout.write(`HTML report (timeline, charts; opens offline): ${htmlFile}\n`);
    process.stdout.write(
      `Temporal UI: ${uiUrl} (it stops with the demo; "npm run temporal" keeps a dev server and its UI running)\n`,
    );
    process.stdout.write(
      `Demo finished in ${Math.round((Date.now() - started) / 1000)} s: campaign ${report.finalState}.\n`,
    );
    return report.finalState === 'done' ? 0 : 5;
  } finally {
    await receiver.close();
    await stack.close();
    await pool.close();
  }
}

/** The known_hosts file of the done servers, once the server workflows' visibility lists them all. */
async function knownHosts(client: Client, report: CampaignReport): Promise<string> {
  const done = report.servers.filter((row) => row.outcome === 'done').length;
  let keys = await campaignHostKeys(client, report.campaignId);
  for (let tries = 0; keys.size < done && tries < 20; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    keys = await campaignHostKeys(client, report.campaignId);
  }
  const text = knownHostsText(report.servers, keys).split('\n');
  // Two lines per server: the first three servers and the note, if any, show what the file looks like.
  const shown = [
    ...text.filter((line) => !line.startsWith('#')).slice(0, 6),
    ...text.filter((line) => line.startsWith('#')),
  ];
  return [...shown, `... (${text.length} lines for ${keys.size} servers)`].join('\n');
}

/** "Load-balancer pool: 37 of 40 servers back in, 3 out (drained before their wipe, not put back): ..." */
function poolLine(pool: LbPool, servers: string[]): string {
  const out = servers.filter((server) => !pool.members.has(server));
  const back = servers.length - out.length;
  const names = out.length > 0 ? ` (drained before their wipe, not put back): ${out.join(', ')}` : '';
  return `Load-balancer pool: ${back} of ${servers.length} servers back in, ${out.length} out${names}`;
}

async function watch(client: Client, campaignId: string): Promise<void> {
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  for (;;) {
    const s = await snapshot(client, campaignId);
    if (tty) process.stdout.write(`\x1b[2J\x1b[H${renderStatus(s)}\n`);
    else if (s.completed || Date.now() - lastPrinted > 5000) {
      process.stdout.write(`${renderStatus(s).split('\n').slice(0, 3).join('\n')}\n`);
      lastPrinted = Date.now();
    }
    if (s.completed) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
