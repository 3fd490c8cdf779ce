import { rawRequest } from './raw-request';
import { nodeOvh, rejectionOf } from './sim-helpers';
import { startTestSimulator } from '../helpers/simulator';

const byoiBody = {
  URL: 'https://images.example.com/talos.qcow2',
  type: 'qcow2',
  checkSum: 'a'.repeat(64),
  checkSumType: 'sha256',
  description: 'talos',
  diskGroupId: 1,
  httpHeader: [{ key: 'Authorization', value: 'Basic dXNlcjpwYXNz' }],
  configdrive: {
    enable: true,
    hostname: 'node-1',
    sshKey: 'ssh-ed25519 AAAA',
    userData: '#cloud-config',
    userMetadatas: [{ key: 'role', value: 'worker' }],
  },
};

describe('simulator legacy bringYourOwnImage route', () => {
  it('runs POST -> doing/starting -> doing/<step> -> done, and DELETE puts the server in rescue', async () => {
    const sim = await startTestSimulator({ legacyByoi: true, speed: 1 });
    try {
      const ovh = nodeOvh(sim);
      const server = sim.servers[0] as string;
      const path = `/dedicated/server/${server}/bringYourOwnImage`;
      expect(await ovh.requestPromised('POST', path, byoiBody)).toBeNull();
      const tasks = (await ovh.requestPromised('GET', `/dedicated/server/${server}/task`, {
        function: 'reinstallServer',
      })) as number[];
      expect(tasks).toHaveLength(1);
      const base = { checksum: 'a'.repeat(64), servername: server };
      expect(await ovh.requestPromised('GET', path)).toEqual({ ...base, status: 'doing', message: 'starting' });
      sim.state.advance(65);
      expect(await ovh.requestPromised('GET', path)).toEqual({
        ...base,
        status: 'doing',
        message: 'Checking BIOS version',
      });
      sim.state.advance(900);
      expect(await ovh.requestPromised('GET', path)).toEqual({
        ...base,
        status: 'done',
        message: 'Image deployed successfully',
      });
      expect(await ovh.requestPromised('GET', `/dedicated/server/${server}/task/${tasks[0]}`)).toEqual(
        expect.objectContaining({
          function: 'reinstallServer',
          status: 'done',
          comment: 'Start dedicated server installation',
        }),
      );
      expect(sim.state.probe(server).status).toBe(200);
      expect(await ovh.requestPromised('DELETE', path)).toBeNull();
      expect(await rejectionOf(ovh.requestPromised('GET', path))).toEqual({
        error: 404,
        message: `No image deployment exists on server ${server}`,
      });
      const detail = (await ovh.requestPromised('GET', `/dedicated/server/${server}`)) as { bootId: number };
      expect(detail.bootId).toBe(230242);
      sim.state.advance(200);
      expect(sim.state.server(server)?.running).toBe('rescue');
      expect(sim.state.probe(server).status).toBe(503);
    } finally {
      await sim.close();
    }
  });

  it('answers GET on a server that never deployed an image with 404', async () => {
    const sim = await startTestSimulator({ legacyByoi: true });
    try {
      const res = await rawRequest(sim, { path: `/dedicated/server/${sim.servers[1]}/bringYourOwnImage` });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        class: 'Client::NotFound',
        message: `No image deployment exists on server ${sim.servers[1]}`,
      });
    } finally {
      await sim.close();
    }
  });

  it('refuses the ova type, a missing URL and unknown fields with 400', async () => {
    const sim = await startTestSimulator({ legacyByoi: true });
    try {
      const post = (body: unknown) =>
        rawRequest(sim, { method: 'POST', path: `/dedicated/server/${sim.servers[0]}/bringYourOwnImage`, body });
      expect((await post({ ...byoiBody, type: 'ova' })).body).toEqual({
        class: 'Client::BadRequest',
        message: '[type] Given data (ova) does not belong to the dedicated.ImageTypesEnum enumeration',
      });
      const { URL: _url, ...noUrl } = byoiBody;
      expect((await post(noUrl)).body).toEqual({ class: 'Client::BadRequest', message: 'Missing parameter(s): URL' });
      expect((await post({ ...byoiBody, efiBootloaderPath: '\\efi' })).body).toEqual({
        class: 'Client::BadRequest',
        message: 'Received not described parameters: (efiBootloaderPath) while calling creation handler',
      });
      expect(sim.state.server(sim.servers[0] as string)?.installPosts).toBe(0);
    } finally {
      await sim.close();
    }
  });

  it('shows the legacy error message when the deployment fails', async () => {
    const sim = await startTestSimulator({
      legacyByoi: true,
      speed: 1,
      faults: `download_fail=${'ns3901756.ip-54-127-42.eu'}`,
    });
    try {
      const server = sim.servers[0] as string;
      expect(server).toBe('ns3901756.ip-54-127-42.eu');
      await nodeOvh(sim).requestPromised('POST', `/dedicated/server/${server}/bringYourOwnImage`, byoiBody);
      sim.state.advance(900);
      expect(await nodeOvh(sim).requestPromised('GET', `/dedicated/server/${server}/bringYourOwnImage`)).toEqual({
        checksum: 'a'.repeat(64),
        servername: server,
        status: 'error',
        message: 'Could not download image located: https://images.example.com/talos.qcow2.',
      });
    } finally {
      await sim.close();
    }
  });

  it('answers 404 Got an invalid (or empty) URL when legacyByoi is off, as production does today', async () => {
    const sim = await startTestSimulator({ legacyByoi: false });
    try {
      const res = await rawRequest(sim, {
        method: 'POST',
        path: `/dedicated/server/${sim.servers[0]}/bringYourOwnImage`,
        body: byoiBody,
      });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ class: 'Client::NotFound', message: 'Got an invalid (or empty) URL' });
    } finally {
      await sim.close();
    }
  });
});
