/**
 * `reimage dev-server`: the embedded Temporal dev server with the Web UI, a persistent SQLite file under
 * .data/, and reimage's search attributes registered. Runs until Ctrl-C.
 */
import { portOption } from '../port-option';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../../config';
import { ensureTemporalBinaryWithDownload, PROJECT_ROOT } from '../../temporal/binaries';
import { startDevServer } from '../../temporal/dev-server';

export const usage = `reimage dev-server [--port ${DEFAULTS.devServerPort}] [--ui-port ${DEFAULTS.devServerUiPort}] [--db FILE]

Starts "temporal server start-dev" with the Web UI and a persistent SQLite database, registers
reimage's search attributes, prints the gRPC address and the UI URL, and runs until Ctrl-C.

Examples:
  reimage dev-server
  reimage dev-server --port 17233 --ui-port 18233 --db /tmp/reimage.sqlite`;

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULTS.devServerPort) },
      'ui-port': { type: 'string', default: String(DEFAULTS.devServerUiPort) },
      db: { type: 'string', default: path.join(PROJECT_ROOT, DEFAULTS.devServerDbFile) },
    },
  });
  const port = portOption('--port', values.port, 1);
  const uiPort = portOption('--ui-port', values['ui-port'], 1);
  const cliPath = await ensureTemporalBinaryWithDownload('cli', env, (line) => process.stderr.write(`${line}\n`));
  const server = await startDevServer({
    cliPath,
    port,
    uiPort,
    dbFile: path.resolve(values.db),
    logTo: 'inherit',
  });
  process.stdout.write(
    `Temporal dev server ready in ${server.startMs} ms\n  gRPC: ${server.address}\n  UI:   ${server.uiUrl}\n  DB:   ${values.db}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  return 0;
}
