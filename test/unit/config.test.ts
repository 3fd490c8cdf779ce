import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadWorkerAccounts } from '../../src/config';

describe('loadConfig', () => {
  it('caches 250 workflow runs unless REIMAGE_MAX_CACHED_WORKFLOWS says otherwise', () => {
    expect(loadConfig({}).maxCachedWorkflows).toBe(250);
    expect(loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: '120' }).maxCachedWorkflows).toBe(120);
  });

  it('names the variable and the fix when the cache size is not usable', () => {
    expect(() => loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow(
      new ConfigError(
        'The environment is not valid:\nREIMAGE_MAX_CACHED_WORKFLOWS: must be a whole number of workflows, e.g. 250',
      ),
    );
    expect(() => loadConfig({ REIMAGE_MAX_CACHED_WORKFLOWS: '5' })).toThrow(
      'REIMAGE_MAX_CACHED_WORKFLOWS: must be at least 10 (the campaign workflow must stay cached)',
    );
  });
});

describe('REIMAGE_SIMULATOR_SPEED', () => {
  const simulator = { OVH_ENDPOINT: 'https://localhost:8443/1.0' };
  const hint =
    'REIMAGE_SIMULATOR_SPEED: must be the --speed of the "reimage simulator" the worker rehearses against, a number above 0 (e.g. 20), or unset';

  it('is off unless set, and a speed when set', () => {
    expect(loadConfig({}).simulatorSpeed).toBeUndefined();
    expect(loadConfig({ REIMAGE_SIMULATOR_SPEED: '' }).simulatorSpeed).toBeUndefined();
    expect(loadConfig({ ...simulator, REIMAGE_SIMULATOR_SPEED: '20' }).simulatorSpeed).toBe(20);
    expect(loadConfig({ ...simulator, REIMAGE_SIMULATOR_SPEED: '0.5' }).simulatorSpeed).toBe(0.5);
  });

  it.each(['fast', '0', '-20', 'Infinity'])('names the variable and what it must be when it is "%s"', (value) => {
    expect(() => loadConfig({ ...simulator, REIMAGE_SIMULATOR_SPEED: value })).toThrow(
      new ConfigError(`The environment is not valid:\n${hint}`),
    );
  });

  it("refuses a worker whose OVH endpoint is not on this machine: OVH's own time is real", () => {
    const env = { OVH_ENDPOINT: 'ovh-eu', REIMAGE_SIMULATOR_SPEED: '20' };
    expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
      new ConfigError(
        'REIMAGE_SIMULATOR_SPEED is a rehearsal setting for "reimage simulator --speed N" on this machine, but account "default" uses "ovh-eu": point OVH_ENDPOINT at the simulator (https://localhost:PORT/1.0), or unset REIMAGE_SIMULATOR_SPEED to work against OVH.',
      ),
    );
    const tunnel = { OVH_ENDPOINT: 'https://eu.api.ovh.com/1.0', REIMAGE_SIMULATOR_SPEED: '20' };
    expect(() => loadWorkerAccounts(loadConfig(tunnel), tunnel)).toThrow(
      'account "default" uses "https://eu.api.ovh.com/1.0"',
    );
  });

  it('lets a worker whose endpoints are on this machine rehearse', () => {
    for (const endpoint of ['https://localhost:8443/1.0', 'https://127.0.0.1:8443/1.0', 'https://[::1]:8443/1.0']) {
      const env = { OVH_ENDPOINT: endpoint, REIMAGE_SIMULATOR_SPEED: '20' };
      expect(loadWorkerAccounts(loadConfig(env), env).held.map((account) => account.settings.endpoint)).toEqual([
        endpoint,
      ]);
    }
  });
});

describe('what campaigns may read and fetch', () => {
  it('grants campaigns the variables REIMAGE_CAMPAIGN_VARS lists, and pins image hosts with REIMAGE_IMAGE_HOSTS', () => {
    const config = loadConfig({
      REIMAGE_CAMPAIGN_VARS: 'IMAGE_TOKEN, HOOK_SECRET',
      REIMAGE_IMAGE_HOSTS: '*.example.com',
    });
    expect(config.campaignVars).toEqual(['IMAGE_TOKEN', 'HOOK_SECRET']);
    expect(config.imageHosts).toEqual(['*.example.com']);
    expect(loadConfig({})).toMatchObject({ campaignVars: [], imageHosts: undefined });
  });

  it("refuses to grant the worker's own configuration, naming the variable and the rule", () => {
    expect(() =>
      loadConfig({ REIMAGE_CAMPAIGN_VARS: 'IMAGE_TOKEN,OVH_APPLICATION_SECRET,REIMAGE_CODEC_KEYS' }),
    ).toThrow(
      new ConfigError(
        'The environment is not valid:\n' +
          "REIMAGE_CAMPAIGN_VARS: OVH_APPLICATION_SECRET cannot be granted to campaigns: OVH_* variables are the worker's own configuration, never given to a campaign; remove it from the list\n" +
          "REIMAGE_CAMPAIGN_VARS: REIMAGE_CODEC_KEYS cannot be granted to campaigns: REIMAGE_* variables are the worker's own configuration, never given to a campaign; remove it from the list",
      ),
    );
    expect(() => loadConfig({ REIMAGE_CAMPAIGN_VARS: 'Bearer abc' })).toThrow(
      'REIMAGE_CAMPAIGN_VARS: "Bearer abc" is not a variable name (letters, digits and underscores); list names, not values',
    );
  });

  it("refuses to grant an accounts file's credential variable", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reimage-config-'));
    const file = path.join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      'accounts:\n  - name: default\n    endpoint: ovh-eu\n    credentials:\n      applicationKey: ${EU_APP_KEY}\n      applicationSecret: ${EU_APP_SECRET}\n      consumerKey: ${EU_CONSUMER_KEY}\n',
    );
    const env = {
      REIMAGE_OVH_ACCOUNTS: file,
      REIMAGE_CAMPAIGN_VARS: 'EU_APP_SECRET',
      EU_APP_KEY: 'k',
      EU_APP_SECRET: 's',
      EU_CONSUMER_KEY: 'c',
    };
    try {
      expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
        new ConfigError(
          `REIMAGE_CAMPAIGN_VARS: EU_APP_SECRET holds OVH credentials of ${file} and cannot be granted to campaigns; remove it from the list.`,
        ),
      );
      const { REIMAGE_CAMPAIGN_VARS: _granted, ...ungranted } = env;
      expect(loadWorkerAccounts(loadConfig(ungranted), ungranted).credentialVariables).toEqual([
        'EU_APP_KEY',
        'EU_APP_SECRET',
        'EU_CONSUMER_KEY',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('REIMAGE_SIMULATOR_SSH_PORT', () => {
  it('takes the port the simulator printed', () => {
    expect(loadConfig({ REIMAGE_SIMULATOR_SSH_PORT: '40022' }).simulatorSshPort).toBe(40022);
    expect(loadConfig({}).simulatorSshPort).toBeUndefined();
  });

  it('names the variable and what it must be when it is not a port', () => {
    expect(() => loadConfig({ REIMAGE_SIMULATOR_SSH_PORT: '70000' })).toThrow(
      new ConfigError(
        'The environment is not valid:\nREIMAGE_SIMULATOR_SSH_PORT: must be the sshPort "reimage simulator" printed (a port from 1 to 65535), or unset',
      ),
    );
  });

  it("refuses a worker whose OVH endpoint is not on this machine: real servers' SSH is on port 22", () => {
    const env = { OVH_ENDPOINT: 'ovh-eu', REIMAGE_SIMULATOR_SSH_PORT: '40022' };
    expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
      new ConfigError(
        'REIMAGE_SIMULATOR_SSH_PORT is a rehearsal setting for "reimage simulator sshPort" on this machine, but account "default" uses "ovh-eu": point OVH_ENDPOINT at the simulator (https://localhost:PORT/1.0), or unset REIMAGE_SIMULATOR_SSH_PORT to work against OVH.',
      ),
    );
  });
});
