/**
 * `npm run demo`: a whole campaign on the embedded defaults. Starts the Temporal dev server (with its UI),
 * the OVH API simulator (40 servers, three with faults), a demo image server and a worker; runs a campaign
 * through the same code as `reimage start`; shows live progress; prints the report; stops what it started.
 * It belongs to the CLI: it drives the campaign with the CLI's own plan, start, status and report code, and
 * src/demo/ keeps only the demo's fixtures (its campaign and image server).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadCampaignFile } from '../campaign/loader';
import { demoCampaignYaml } from '../demo/demo-campaign';
import { startDemoImageServer } from '../demo/image-server';
import { createSimulator } from '../simulator';
import { ensureCa } from '../simulator/ca';
import { ensureTemporalBinaryWithDownload, PROJECT_ROOT } from '../temporal/binaries';
import { connectClient } from '../temporal/connection';
import { freePort, startDevServer } from '../temporal/dev-server';
import { createWorker } from '../worker';
import { fetchReport } from './commands/report';
import { renderStatus, snapshot } from './commands/status';
import { runPlan, startCampaign } from './plan-runner';
import { formatReport } from './report-format';

const DEMO_DIR = path.join(PROJECT_ROOT, '.data', 'demo');
/** Servers the demo makes fail, by index in the simulated fleet: each fault of a different kind. */
const FAULTS: [number, string][] = [
  [7, 'download_fail'],
  [15, 'checksum_mismatch'],
  [23, 'efi_boot_fail'],
];

type Stopper = () => Promise<unknown>;

export async function runDemo(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  const stoppers: Stopper[] = [];
  const started = Date.now();
  try {
    const cliPath = await ensureTemporalBinaryWithDownload('cli', log);
    const dev = await startDevServer({ cliPath, uiPort: await freePort(), fastSqlite: true });
    stoppers.push(() => dev.stop());
    log(`Temporal dev server on ${dev.address}, UI ${dev.uiUrl} (started in ${dev.startMs} ms)`);

    const ca = ensureCa(path.join(DEMO_DIR, 'ca'));
    const sim = await createSimulator({ servers: 40, seed: 'demo', speed: 120, caDir: path.join(DEMO_DIR, 'ca') });
    stoppers.push(() => sim.close());
    sim.state.injectFaults(FAULTS.map(([index, fault]) => `${fault}=${sim.servers[index]}`).join(','));
    const image = await startDemoImageServer(ca);
    stoppers.push(() => image.close());
    log(`OVH API simulator on ${sim.url} (40 servers, faults: ${FAULTS.map(([, f]) => f).join(', ')})`);

    Object.assign(process.env, {
      TEMPORAL_ADDRESS: dev.address,
      TEMPORAL_NAMESPACE: 'default',
      REIMAGE_TASK_QUEUE: 'reimage-demo',
      OVH_ENDPOINT: sim.url,
      OVH_APPLICATION_KEY: sim.credentials.appKey,
      OVH_APPLICATION_SECRET: sim.credentials.appSecret,
      OVH_CONSUMER_KEY: sim.credentials.consumerKey,
      OVH_CA_FILE: sim.caCertPath,
      // The simulator has no fair-use limit; a real account keeps the default 60/min.
      OVH_RATE_LIMIT: '6000/min',
      REIMAGE_CODEC_KEYS: `demo:${randomBytes(32).toString('base64')}`,
      REIMAGE_LOG_LEVEL: 'error',
    });
    // The SDK's own INFO and WARN lines (worker states, the activity failures the faults provoke) would
    // bury the progress lines; the report shows every failure.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    const worker = await createWorker();
    const running = worker.run();
    stoppers.push(async () => {
      worker.worker.shutdown();
      await running;
    });

    mkdirSync(DEMO_DIR, { recursive: true });
    const file = path.join(DEMO_DIR, 'campaign.yaml');
    const probeUrl = `https://localhost:${sim.port}/_sim/probe/{serviceName}`;
    const campaign = { name: 'demo', servers: sim.servers, imageUrl: image.url, sha256: image.sha256, probeUrl };
    writeFileSync(file, demoCampaignYaml(campaign));
    const spec = await loadCampaignFile(file);
    const client = await connectClient();
    const campaignId = `demo-${randomBytes(3).toString('hex')}`;
    const plan = await runPlan(client, spec, campaignId, false);
    const workflowId = await startCampaign(client, spec, campaignId, plan.servers);
    const uiUrl = `${dev.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    log(`Campaign ${campaignId} started: ${plan.servers.length} servers, waves ${plan.waves.join(', ')}`);
    log(`Watch it in the Temporal UI while the demo runs: ${uiUrl}`);

    await watch(client, campaignId);
    const report = await fetchReport(client, campaignId);
    process.stdout.write(`\n${formatReport(report, 'markdown')}\n\n`);
    process.stdout.write(
      `Temporal UI: ${uiUrl} (it stops with the demo; "npm run temporal" keeps a dev server and its UI running)\n`,
    );
    process.stdout.write(
      `Demo finished in ${Math.round((Date.now() - started) / 1000)} s: campaign ${report.finalState}.\n`,
    );
    return report.finalState === 'done' ? 0 : 5;
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  }
}

async function watch(client: Awaited<ReturnType<typeof connectClient>>, campaignId: string): Promise<void> {
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
