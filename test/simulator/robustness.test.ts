import type { Simulator } from '../../src/simulator';
import { rawRequest } from './raw-request';
import { startTestSimulator } from '../helpers/simulator';

describe('simulator robustness', () => {
  let sim: Simulator;
  let server: string;

  beforeAll(async () => {
    sim = await startTestSimulator({ maxBodyBytes: 64 * 1024 });
    server = sim.servers[0] as string;
  });
  afterAll(() => sim.close());

  const reinstall = (body: unknown) =>
    rawRequest(sim, { method: 'POST', path: `/dedicated/server/${server}/reinstall`, body });

  it('answers garbage JSON with 400 and an OVH-shaped body', async () => {
    const res = await reinstall('{"operatingSystem": "byoi_64",');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ class: 'Client::BadRequest', message: 'The request body is not valid JSON' });
  });

  it('answers a JSON body that is not an object with 400', async () => {
    const res = await reinstall('[1,2,3]');
    expect(res.body).toEqual({ class: 'Client::BadRequest', message: 'The request body must be a JSON object' });
  });

  it('answers wrongly typed nested values with 400', async () => {
    const res = await reinstall({ operatingSystem: 'byoi_64', customizations: 'everything' });
    expect(res.body).toEqual({
      class: 'Client::BadRequest',
      message: "Body parameter customizations isn't formated correctly",
    });
    const put = await rawRequest(sim, {
      method: 'PUT',
      path: `/dedicated/server/${server}`,
      body: { bootId: 'rescue' },
    });
    expect(put.body).toEqual({
      class: 'Client::BadRequest',
      message: "Body parameter bootId isn't formated correctly",
    });
  });

  it('answers a body over the limit with 413 and keeps serving', async () => {
    const res = await reinstall({
      operatingSystem: 'byoi_64',
      customizations: { configDriveUserData: 'x'.repeat(100 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      class: 'Client::RequestEntityTooLarge',
      message: 'The request body is larger than 65536 bytes',
    });
    expect((await rawRequest(sim, { path: '/dedicated/server' })).status).toBe(200);
  });

  it.each([
    [
      '/dedicated/server/..',
      404,
      { class: 'Client::NotFound', message: 'The requested object (serviceName = ..) does not exist' },
    ],
    ['/dedicated/server/../server', 404, { class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' }],
    [
      '/dedicated/server/%2E%2E%2Fetc%2Fpasswd',
      404,
      { class: 'Client::NotFound', message: 'The requested object (serviceName = ../etc/passwd) does not exist' },
    ],
    [
      '/dedicated/server/ns1%2Fboot',
      404,
      { class: 'Client::NotFound', message: 'The requested object (serviceName = ns1/boot) does not exist' },
    ],
    [
      '/dedicated/server/%E0%A4%A',
      404,
      { class: 'Client::NotFound', message: 'The requested object (serviceName = %E0%A4%A) does not exist' },
    ],
    ['//dedicated/server', 404, { class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' }],
    ['/dedicated/server/', 404, { class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' }],
  ])('answers the path trick %s with a 4xx OVH body', async (path, status, body) => {
    const res = await rawRequest(sim, { path });
    expect(res.status).toBe(status);
    expect(res.body).toEqual(body);
  });

  it('answers paths outside the base path with 404 Got an invalid (or empty) URL', async () => {
    const res = await rawRequest(sim, { path: '/etc/passwd', basePath: '' });
    expect(res.body).toEqual({ class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' });
  });

  it('never answered 500 to any of the bad requests above', () => {
    expect(Object.keys(sim.state.counters().byStatus).filter((s) => s.startsWith('5'))).toEqual([]);
  });
});
