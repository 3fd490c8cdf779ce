/**
 * The capture of OVH's response headers subscribes to a process-wide diagnostics channel: a module loaded
 * again in the same process (jest loads modules afresh for each test file of a worker) must not leave its
 * predecessor's subscriber behind, or every response collects one `end` listener per load.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';

const CHANNEL = 'http.client.response.finish';

/** Loads src/ovh/response-capture.ts afresh, as a new test file would, and installs its capture. */
async function loadAndInstall(): Promise<void> {
  await jest.isolateModulesAsync(async () => {
    const { installResponseCapture } = await import('../../src/ovh/response-capture');
    installResponseCapture();
  });
}

/** The number of `end` listeners the capture attached to a response by the time the channel reaches us. */
async function endListenersOnAResponse(): Promise<number> {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let count = -1;
  const observe = (message: unknown) =>
    (count = (message as { response: IncomingMessage }).response.listenerCount('end'));
  diagnosticsChannel.subscribe(CHANNEL, observe);
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port, path: '/' }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
  } finally {
    diagnosticsChannel.unsubscribe(CHANNEL, observe);
    await new Promise((resolve) => server.close(resolve));
  }
  return count;
}

describe('the response capture', () => {
  it('keeps one subscriber per process however often its module is loaded', async () => {
    for (let i = 0; i < 12; i += 1) await loadAndInstall();
    await expect(endListenersOnAResponse()).resolves.toBe(1);
  });
});
