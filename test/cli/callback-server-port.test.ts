/** `reimage callback-server` on a port something else holds: it says which, and how to pick another. */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cliEnv, runCli } from './helpers/cli-harness';

let holder: Server;
beforeAll(async () => {
  holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

it('refuses a taken port with exit 3, naming the address and the --port fix', async () => {
  const port = (holder.address() as AddressInfo).port;
  const env = cliEnv({ REIMAGE_CALLBACK_SECRET: 'a-test-callback-secret-of-32-characters-or-more' });
  const result = await runCli(['callback-server', '--port', String(port)], env);
  expect({ code: result.code, stderr: result.stderr.trim() }).toEqual({
    code: 3,
    stderr: `127.0.0.1:${port} is already in use: stop what listens there, or pass --port N and use that port in the campaign's completion.callback.`,
  });
});
