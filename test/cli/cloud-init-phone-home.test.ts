/**
 * The callback receiver speaks to the real client: Debian's cloud-init (its phone_home module, run in
 * isolation by testkit/cloud-init/phone_home.py) reads the user data the simulated OVH API received, merges
 * its parts as cloud-init does, and posts the host keys to the receiver on loopback, which hands them to
 * the server's workflow on the dev server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/cli/callback-receiver';
import { reimageServerWorkflow } from '../../src/workflows';
import { serverWorkflowId } from '../../src/shared/workflow-ids';
import { generateHostKeys } from '../../src/simulator/host-keys';
import { CLOUD_INIT_INSTALL_HINT, DEBIAN_PYTHON, hasCloudInit, PHONE_HOME_DRIVER } from '../../testkit/cloud-init';
import { createTestWorker, devServerPerFile, uniqueTaskQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/wait-for';
import { simSettings, simulatorPerTest } from '../workflows/helpers/simulated-ovh';

/**
 * Simulated seconds per real second. The install lasts half the usual 11 minutes (install_factor), about
 * 6.6 s; polling, which expects 11 minutes, first looks at 120 % of them, about 16 s: cloud-init has more
 * than 9 real seconds to start and call back before polling could find the end.
 */
const SPEED = 50;
const SECRET = 'a-test-callback-secret-of-32-characters-or-more';

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));
const openSimulator = simulatorPerTest();
let receiver: CallbackReceiver | undefined;
afterEach(() => receiver?.close());

/** Runs cloud-init's phone_home on `userData` with `keys` as the host's key files; resolves with its stderr. */
function phoneHome(userData: string, keys: Record<string, string>): Promise<string> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'reimage-user-data-')), 'user-data');
  writeFileSync(file, userData);
  return new Promise((resolve, reject) => {
    const child = spawn(DEBIAN_PYTHON, [PHONE_HOME_DRIVER, file, JSON.stringify(keys)]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(stderr) : reject(new Error(`phone_home exited ${code}: ${stderr}`)),
    );
  });
}

describe("cloud-init's own phone_home", () => {
  it('is installed (npm run bootstrap installs it)', () => {
    if (!hasCloudInit()) throw new Error(`Debian's cloud-init is missing. Install it with: ${CLOUD_INIT_INSTALL_HINT}`);
  });

  it('calls back through the receiver: the server ends done with the host keys cloud-init read', async () => {
    const sim = await openSimulator({ count: 1, speed: SPEED, followClock: true, deps: { callbackSecret: SECRET } });
    const sn = sim.servers[0]!.serviceName;
    // The simulated server stays silent: cloud-init makes the callback.
    sim.sim.state.injectFaults(`callback_never=${sn},install_factor=0.5`);
    receiver = await startCallbackReceiver({ client: env.client, secret: SECRET, port: 0 });
    const taskQueue = uniqueTaskQueue('cloud-init');
    const worker = await createTestWorker(env, { taskQueue, activities: sim.activities });
    const settings = simSettings(taskQueue, SPEED, {
      // Simulated time: no poll before 120 % of the expected 11 minutes, then 30 minutes apart.
      poll: { minMs: 30 * 60_000, maxMs: 30 * 60_000 },
      deadlines: { installMs: 60 * 60_000, bootMs: 15 * 60_000, rollbackMs: 20 * 60_000 },
      configDrive: { userData: '#!/bin/sh\necho "the team\'s own script"\n' },
      completion: { callback: `${receiver.url}/phone-home`, tries: 2 },
    });
    const keys = generateHostKeys();
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(reimageServerWorkflow, {
        workflowId: serverWorkflowId(sn),
        taskQueue,
        args: [{ campaignId: 'manual', serviceName: sn, attempt: 1, settings }],
      });
      await waitFor(() => sim.sim.state.server(sn)?.imageDeployed === true, { what: `${sn} to run its new OS` });
      await phoneHome(sim.sim.state.userData(sn) as string, {
        '/etc/ssh/ssh_host_ed25519_key.pub': `${keys.pub_key_ed25519} root@web-1\n`,
        '/etc/ssh/ssh_host_ecdsa_key.pub': `${keys.pub_key_ecdsa} root@web-1\n`,
      });
      return handle.result();
    });

    expect(result.outcome).toBe('done');
    expect(result.hostKeys).toEqual({ fqdn: 'web-1.example.com', keys: [keys.pub_key_ed25519, keys.pub_key_ecdsa] });
    // The callback proved the boot: no boot check ran.
    expect((result.phases ?? []).map(([phase]) => phase)).toEqual(['preflight', 'starting', 'installing']);
  }, 90_000);
});
