/**
 * Where the worker's own image download may go (src/activities/image-origin.ts), and which variables an
 * image's headers may read: each refusal happens before the request it refuses, checked by counting the
 * requests each origin received.
 */
import { createActivities } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import { checkHop, guardedLookup } from '../../src/activities/image-origin';
import type { ImageSpec } from '../../src/domain/image';
import { OvhClient } from '../../src/ovh/client';
import { FailureType } from '../../src/shared/failure-types';
import { rawMbrImage } from '../../testkit/images';
import { mockEnv } from './helpers/harness';
import { startRecordingOrigin, type RecordingOrigin } from './helpers/recording-origin';

const IMAGE = rawMbrImage(false);
const image = { status: 200, headers: { 'content-length': String(IMAGE.length) }, body: IMAGE };
const redirect = (location: string) => ({ status: 302, headers: { location } });

let other: RecordingOrigin;
let plain: RecordingOrigin;
let origin: RecordingOrigin;

beforeAll(async () => {
  other = await startRecordingOrigin('https', () => image, '127.0.0.1');
  plain = await startRecordingOrigin('http', () => image, '127.0.0.1');
  origin = await startRecordingOrigin('https', (pathname) => {
    if (pathname === '/to-same-origin') return redirect('/image.raw');
    if (pathname === '/to-other-origin') return redirect(other.url('/image.raw'));
    if (pathname === '/to-http') return redirect(plain.url('/image.raw'));
    if (pathname === '/to-metadata') return redirect('https://169.254.169.254/latest/meta-data/');
    return image;
  });
});
afterAll(() => Promise.all([other.close(), plain.close(), origin.close()]));
beforeEach(() => [other, plain, origin].forEach((server) => (server.requests.length = 0)));

// qualifyImage makes no OVH call; the client only completes the deps.
const ovh = new OvhClient({ endpoint: 'ovh-eu', appKey: 'ak', appSecret: 'as', consumerKey: 'ck' });
const env = { REIMAGE_VAR_IMAGE_TOKEN: 'granted-token', OVH_APPLICATION_SECRET: 'worker-secret', HOME: '/root' };

function qualify(spec: Partial<ImageSpec> & { url: string }, deps: Partial<ActivityDeps> = {}) {
  const activities = createActivities({ ovh, env, ...deps });
  const input = { image: { type: 'raw' as const, ...spec }, targetsUefi: false };
  return mockEnv().run(activities.qualifyImage, input);
}

const bearer = { Authorization: 'Bearer ${REIMAGE_VAR_IMAGE_TOKEN}' };

describe('image redirects', () => {
  it('follows a redirect within the image origin, sending the headers', async () => {
    await expect(qualify({ url: origin.url('/to-same-origin'), httpHeaders: bearer })).resolves.toMatchObject({
      partitionTable: 'mbr',
    });
    expect(origin.requests.map((r) => r.authorization)).toEqual(['Bearer granted-token', 'Bearer granted-token']);
  });

  it('drops the headers when a redirect leaves the image origin', async () => {
    await expect(qualify({ url: origin.url('/to-other-origin'), httpHeaders: bearer })).resolves.toMatchObject({
      partitionTable: 'mbr',
    });
    expect(other.requests).toEqual([{ path: '/image.raw', authorization: undefined }]);
  });

  it('refuses a redirect to plain http, sending nothing there', async () => {
    await expect(qualify({ url: origin.url('/to-http'), httpHeaders: bearer })).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      nonRetryable: true,
      message: `The image at ${origin.url('/to-http')} redirects to http://${new URL(plain.url('/')).host}: the worker fetches images and follows their redirects over https only; change image.url.`,
    });
    expect(plain.requests).toEqual([]);
  });

  it('refuses a redirect to a link-local address (a cloud metadata service) without connecting', async () => {
    await expect(qualify({ url: origin.url('/to-metadata') })).rejects.toMatchObject({
      type: FailureType.ImageRejected,
      nonRetryable: true,
      message: `The image at ${origin.url('/to-metadata')} leads to 169.254.169.254, a link-local address, which images are never fetched from (cloud metadata services answer there); change image.url.`,
    });
  });
});

describe('the addresses an image download may reach', () => {
  const loopbackRule =
    'a loopback address, which images come from only when image.url itself names a loopback host (localhost, 127.0.0.1, [::1])';

  it('refuses link-local addresses always, and loopback ones unless image.url names a loopback host', () => {
    expect(() => checkHop(new URL('https://[fe80::1]/x'), true)).toThrow(
      'leads to fe80::1, a link-local address, which images are never fetched from (cloud metadata services answer there)',
    );
    expect(() => checkHop(new URL('https://127.0.0.1:8443/x'), false)).toThrow(`leads to 127.0.0.1, ${loopbackRule}`);
    expect(() => checkHop(new URL('https://127.0.0.1:8443/x'), true)).not.toThrow();
  });

  it('checks the addresses a host name resolves to, so a name cannot stand for a refused address', async () => {
    const lookup = (loopbackAllowed: boolean) =>
      new Promise((resolve, reject) =>
        guardedLookup(loopbackAllowed)('localhost', { family: 4 }, (error, address) =>
          error ? reject(error) : resolve(address),
        ),
      );
    await expect(lookup(false)).rejects.toThrow(`leads to localhost at 127.0.0.1, ${loopbackRule}`);
    await expect(lookup(true)).resolves.toBe('127.0.0.1');
  });
});

describe('what an image download may send, and where from', () => {
  const rule = 'the worker gives a campaign only REIMAGE_VAR_* variables and those REIMAGE_CAMPAIGN_VARS lists';
  const fix =
    'set the value on the worker as REIMAGE_VAR_<NAME> (or list a variable of yours in REIMAGE_CAMPAIGN_VARS) and refer to that';

  it.each([
    [
      'OVH_APPLICATION_SECRET',
      "OVH_* variables are the worker's own configuration, never given to a campaign",
      { names: [], withheld: [] },
    ],
    ['HOME', rule, { names: [], withheld: [] }],
    [
      'EU_APP_SECRET',
      "the accounts file's credential variables (REIMAGE_OVH_ACCOUNTS) are never given to a campaign",
      { names: ['EU_APP_SECRET'], withheld: ['EU_APP_SECRET'] },
    ],
  ])('refuses a header that reads ${%s}, before any request', async (variable, why, grant) => {
    const headers = { 'X-Trace': `\${${variable}}` };
    await expect(qualify({ url: origin.url('/image.raw'), httpHeaders: headers }, { grant })).rejects.toMatchObject({
      type: FailureType.NotAllowed,
      nonRetryable: true,
      message: `image.httpHeaders.X-Trace refers to \${${variable}}, which this worker does not give to campaigns: ${why}; ${fix}.`,
    });
    expect(origin.requests).toEqual([]);
  });

  it('pins image hosts to REIMAGE_IMAGE_HOSTS when the operator sets it', async () => {
    const url = origin.url('/image.raw');
    const { host } = new URL(url);
    await expect(qualify({ url }, { imageHosts: ['images.example.com'] })).rejects.toMatchObject({
      type: FailureType.NotAllowed,
      message: `image.url: "${host}" is not on the worker's image allow-list (REIMAGE_IMAGE_HOSTS; it holds images.example.com); add the host there or change the URL`,
    });
    expect(origin.requests).toEqual([]);
    await expect(qualify({ url }, { imageHosts: [host] })).resolves.toMatchObject({ partitionTable: 'mbr' });
  });
});
