/** `reimage callback-server`: the endpoint reimaged servers call back once their new OS booted. */
import { portOption } from '../port-option';
import { parseArgs } from 'node:util';
import { ConfigError, loadClientConfig, loadConfig } from '../../config';
import { connectClient } from '../../temporal/connection';
import { startCallbackReceiver } from '../callback-receiver';
import { UsageError } from '../errors';

const DEFAULT_PORT = 8099;

export const usage = `reimage callback-server [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--per-minute 120]

Receives the callbacks of campaigns with completion.callback: each reimaged server's cloud-init POSTs its
SSH host keys to <callback>/<serviceName>/<deployment>/<token> once its new OS booted. The token is checked
against REIMAGE_CALLBACK_SECRET (the workers' value) and the callback handed to the server's workflow, which
then confirms the install with one OVH read. Plain HTTP: put it behind the HTTPS ingress whose URL the
campaign's completion.callback names (README, "Server callbacks"). Runs until Ctrl-C.

Examples:
  REIMAGE_CALLBACK_SECRET=... reimage callback-server --host 0.0.0.0
  REIMAGE_CALLBACK_SECRET=... reimage callback-server --port 9000 --per-minute 600`;

function wholeNumber(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${option} must be a whole number from ${min} to ${max} (got "${text}").`);
  }
  return value;
}

/** The error to show when the port is taken: which one, and what to do. */
function portTaken(error: unknown, host: string, port: number): ConfigError | undefined {
  if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') return undefined;
  return new ConfigError(
    `${host}:${port} is already in use: stop what listens there, or pass --port N and use that port in the campaign's completion.callback.`,
  );
}

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'per-minute': { type: 'string', default: '120' },
    },
  });
  const port = portOption('--port', values.port, 0);
  const perMinute = wholeNumber(values['per-minute'], 'per-minute', 1, 100_000);
  const { callbackSecret } = loadConfig(env);
  if (!callbackSecret) {
    throw new ConfigError(
      "REIMAGE_CALLBACK_SECRET is not set, so the callback server cannot check tokens; set it to the workers' value (the same on every worker; a new one: openssl rand -base64 32).",
    );
  }
  const client = await connectClient(loadClientConfig(env));
  const receiver = await startCallbackReceiver({
    client,
    secret: callbackSecret,
    port,
    host: values.host,
    perMinute,
    log: (line) => process.stdout.write(`${line}\n`),
  }).catch(async (error: unknown) => {
    await client.connection.close();
    throw portTaken(error, values.host, port) ?? error;
  });
  process.stdout.write(`Callback server listening on ${receiver.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await receiver.close();
  await client.connection.close();
  return 0;
}
