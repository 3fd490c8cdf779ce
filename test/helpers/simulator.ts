/**
 * The one way tests start the OVH simulator: one seed for the whole suite, a fast clock, and certificates
 * signed by the run's test CA (created by the global setup, trusted through NODE_EXTRA_CA_CERTS).
 */
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { ensureCa, type CertificateAuthority } from '../../src/simulator/ca';

/** The seed every test simulator draws from, unless a test names its own. */
const TEST_SEED = 1;

/** Simulated seconds per real second: an 11-minute install takes about 0.15 s. */
export const TEST_SPEED = 4000;

/** The folder of the run's test CA; fails, naming the variable and the command that sets it, without it. */
export function testCaDir(): string {
  const caDir = process.env.REIMAGE_TEST_CA_DIR;
  if (!caDir) {
    throw new Error(
      'REIMAGE_TEST_CA_DIR is not set, so the tests have no CA to sign and trust the simulator\'s certificates: run them with "npm test" (or "node scripts/run-tests.js <file>"), which creates the test CA and sets the variable.',
    );
  }
  return caDir;
}

/** The run's test CA, for servers a test starts besides the simulator (images, hook receivers). */
export function testCa(): CertificateAuthority {
  return ensureCa(testCaDir());
}

/** A simulator of 5 generated servers, seed TEST_SEED, speed TEST_SPEED, the test CA; `options` override. */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator({ seed: TEST_SEED, servers: 5, speed: TEST_SPEED, caDir: testCaDir(), ...options });
}
