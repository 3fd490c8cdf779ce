/**
 * The callback receiver's own refusals, before any server workflow is asked: method, path, body size, rate;
 * each answer carries the receiver's header.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CALLBACK_SERVER_HEADER, startCallbackReceiver, type CallbackReceiver } from '../../src/cli/callback-receiver';
import { devServerPerFile } from '../helpers/temporal';

const SECRET = 'a-test-callback-secret-of-32-characters-or-more';
const TOKEN = 'A'.repeat(43);

let env: TestWorkflowEnvironment;
devServerPerFile((connected) => (env = connected));
let receiver: CallbackReceiver | undefined;
afterEach(() => receiver?.close());

async function start(perMinute = 100): Promise<string[]> {
  const logged: string[] = [];
  receiver = await startCallbackReceiver({
    client: env.client,
    secret: SECRET,
    port: 0,
    perMinute,
    log: (l) => logged.push(l),
  });
  return logged;
}

const send = async (path: string, init: RequestInit = { method: 'POST', body: '' }) =>
  (await fetch(`${receiver!.url}${path}`, init)).status;

describe('the callback receiver', () => {
  it('answers 405 to anything but POST, 404 to a path that names no callback or no running reimage', async () => {
    const logged = await start();
    expect(await send(`/cb/ns1.test.eu/1/${TOKEN}`, { method: 'GET' })).toBe(405);
    expect(await send('/cb/ns1.test.eu/1/short')).toBe(404);
    expect(await send(`/cb/ns-none.test.eu/1/${TOKEN}`)).toBe(404);
    expect(logged).toEqual([
      'callback 405: method GET',
      'callback 404: not a callback path',
      'callback 404: ns-none.test.eu has no reimage running',
    ]);
  });

  it('marks each answer as its own, so that a GET of the callback URL finds it: 405, never 2xx', async () => {
    await start();
    const get = await fetch(`${receiver!.url}/phone-home`);
    const post = await fetch(`${receiver!.url}/phone-home/ns1.test.eu/1/${TOKEN}`, { method: 'POST', body: '' });
    const seen = [get, post].map((answer) => [answer.status, answer.headers.get(CALLBACK_SERVER_HEADER)]);
    expect(seen).toEqual([
      [405, '1'],
      [404, '1'],
    ]);
  });

  it('refuses a body above 64 KiB with 413', async () => {
    const logged = await start();
    expect(await send(`/cb/ns1.test.eu/1/${TOKEN}`, { method: 'POST', body: 'x'.repeat(65 * 1024) })).toBe(413);
    expect(logged).toEqual(['callback 413: body above 65536 bytes']);
  });

  it('answers 429 past its per-minute limit for one source address', async () => {
    await start(2);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await send('/cb/x'));
    expect(statuses).toEqual([404, 404, 429]);
  });
});
