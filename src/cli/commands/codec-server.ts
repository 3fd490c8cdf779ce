/** `reimage codec-server`: serves Temporal's remote codec protocol so the Web UI shows payloads in clear. */
import { portOption } from '../port-option';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config';
import { codecFromKeys, CodecKeyError } from '../../temporal/codec';
import { startCodecServer } from '../../temporal/codec-server';

/** The port Temporal's codec-server samples use, and the dev server's Web UI origin (reimage dev-server). */
const DEFAULT_PORT = 8888;
const DEFAULT_CORS_ORIGIN = 'http://127.0.0.1:8233';

export const usage = `reimage codec-server [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--cors-origin ${DEFAULT_CORS_ORIGIN}]

Serves Temporal's remote codec protocol (POST /encode, POST /decode) with the keys in REIMAGE_CODEC_KEYS,
so the Temporal Web UI and "temporal workflow show --codec-endpoint" show reimage's encrypted payloads in
clear. Set REIMAGE_CODEC_TOKEN to require "Authorization: Bearer <token>" on every request, so only
people holding the token can decode. Without a token it binds to loopback only (a --host beyond loopback
is refused) and answers only requests addressed to localhost or 127.0.0.1. Runs until Ctrl-C.

In the Web UI, open "Codec Server" (the data encoder settings) and set the endpoint to
http://127.0.0.1:${DEFAULT_PORT}; --cors-origin must be the UI's origin, as the browser calls the codec server.

Examples:
  REIMAGE_CODEC_KEYS=k1:... reimage codec-server
  REIMAGE_CODEC_KEYS=k1:... REIMAGE_CODEC_TOKEN=s3cret reimage codec-server --port 9999 --cors-origin https://temporal.example.com
  temporal workflow show --workflow-id campaign/c1 --codec-endpoint http://127.0.0.1:${DEFAULT_PORT} --codec-auth "Bearer s3cret"`;

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'cors-origin': { type: 'string', default: DEFAULT_CORS_ORIGIN },
    },
  });
  const port = portOption('--port', values.port, 0);
  const config = loadConfig(env);
  const codec = codecFromKeys(config.codecKeys);
  if (!codec) {
    throw new CodecKeyError(
      "REIMAGE_CODEC_KEYS is not set, so the codec server has no key to decode with; set it to the workers' value.",
    );
  }
  const server = await startCodecServer({
    codec,
    port,
    host: values.host,
    corsOrigin: values['cors-origin'],
    token: config.codecToken,
  });
  const auth = config.codecToken ? 'bearer token required' : 'no token: requests to localhost only';
  process.stdout.write(`Codec server listening on ${server.url} (CORS origin ${values['cors-origin']}, ${auth})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
