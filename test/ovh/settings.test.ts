import { parseOvhSettings, resolveEndpoint, toNodeOvhOptions } from '../../src/ovh/settings';
import { parseRetryAfter } from '../../src/ovh/response-capture';

describe('resolveEndpoint', () => {
  it('knows the regional endpoints and their OAuth2 token URLs', () => {
    expect(resolveEndpoint('ovh-ca')).toEqual({
      host: 'ca.api.ovh.com',
      port: 443,
      basePath: '/1.0',
      tokenURL: 'https://ca.ovh.com/auth/',
    });
  });

  it('reads a URL endpoint and derives its token URL from the same host and port', () => {
    expect(resolveEndpoint('https://localhost:8443/1.0')).toEqual({
      host: 'localhost',
      port: 8443,
      basePath: '/1.0',
      tokenURL: 'https://localhost:8443/auth/',
    });
  });

  it('refuses plain HTTP because the OVH client only speaks HTTPS', () => {
    expect(() => resolveEndpoint('http://localhost:8080/1.0')).toThrow(
      'OVH_ENDPOINT "http://localhost:8080/1.0" must use https: the OVH client only speaks HTTPS.',
    );
  });

  it('refuses an unknown name', () => {
    expect(() => resolveEndpoint('ovh-mars')).toThrow(
      'OVH_ENDPOINT "ovh-mars" is neither an endpoint name (ovh-eu, ovh-ca, ovh-us) nor a URL like https://eu.api.ovh.com/1.0.',
    );
  });
});

describe('parseOvhSettings', () => {
  it('refuses application keys and OAuth2 credentials together', () => {
    expect(() =>
      parseOvhSettings({
        endpoint: 'ovh-eu',
        appKey: 'a',
        appSecret: 'b',
        consumerKey: 'c',
        clientId: 'd',
        clientSecret: 'e',
      }),
    ).toThrow(
      'Both OVH application keys and OAuth2 client credentials are set: keep either OVH_APPLICATION_KEY/OVH_APPLICATION_SECRET/OVH_CONSUMER_KEY or OVH_CLIENT_ID/OVH_CLIENT_SECRET.',
    );
  });

  it('refuses an incomplete application key set without echoing the values', () => {
    expect(() => parseOvhSettings({ endpoint: 'ovh-eu', appKey: 'a', appSecret: 'secret-value' })).toThrow(
      'OVH credentials are missing: set OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY, or OVH_CLIENT_ID and OVH_CLIENT_SECRET.',
    );
  });

  it('builds OAuth2 options for node-ovh with the derived token URL', () => {
    const options = toNodeOvhOptions(
      parseOvhSettings({ endpoint: 'https://127.0.0.1:9000/1.0', clientId: 'id', clientSecret: 'secret' }),
    );
    expect(options).toEqual({
      host: '127.0.0.1',
      port: 9000,
      basePath: '/1.0',
      clientID: 'id',
      clientSecret: 'secret',
      tokenURL: 'https://127.0.0.1:9000/auth/',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
