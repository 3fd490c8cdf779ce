/** `reimage simulator`: runs the OVH API simulator until Ctrl-C (options parsed in src/simulator/main.ts). */
import { runSimulatorCli } from '../../simulator/main';

export const usage = `reimage simulator [--port 0] [--host 127.0.0.1] [--servers 50] [--seed 1] [--speed 60]
                  [--fleet FILE] [--faults SPEC] [--legacy-byoi] [--read-only-key] [--rate-limit 60/min]
                  [--ca-dir DIR] [--max-skew 300] [--clock-offset 0] [--quiet] [--env] [--write-env FILE]

Runs an HTTPS stand-in for the OVH dedicated-server API (the reinstall route; the retired bringYourOwnImage
route with --legacy-byoi; a consumer key granted GET only with --read-only-key, to rehearse OVH's 403
NOT_GRANTED_CALL; fault injection), for rehearsals and tests. Prints one JSON line on stdout first (url, port, caCertPath, credentials, servers), then one line
per answered request on stderr (none with --quiet), until Ctrl-C or SIGTERM. Point the worker at it with
OVH_ENDPOINT=<url>, the printed credentials and OVH_CA_FILE=<caCertPath>, and REIMAGE_SIMULATOR_SPEED=<speed>
so that it waits on the simulator's clock; other clients trust the CA with NODE_EXTRA_CA_CERTS=<caCertPath>.
It serves a rehearsal image (a raw GPT disk the plan qualifies) at /_sim/images/rehearsal.raw over the same
HTTPS. --write-env FILE writes all of that as shell export lines (OVH_*, NODE_EXTRA_CA_CERTS,
REIMAGE_SIMULATOR_SSH_PORT, REIMAGE_SIMULATOR_SPEED, OVH_RATE_LIMIT as --rate-limit, REHEARSAL_IMAGE_URL
and REHEARSAL_IMAGE_SHA256) to FILE once listening, whole, and removes it on exit: "source FILE" in the
worker's and the CLI's shells (stdout then stays empty). --env prints those lines on stdout instead of the
JSON line.

Examples:
  reimage simulator --servers 40 --speed 60
  reimage simulator --servers 4 --speed 100 --rate-limit 600/min --quiet --write-env sim.env &
  reimage simulator --servers 200 --faults "download_fail=0.05,http500=0.1" --rate-limit 60/min`;

export async function run(argv: string[]): Promise<number> {
  await runSimulatorCli(argv);
  return 0;
}
