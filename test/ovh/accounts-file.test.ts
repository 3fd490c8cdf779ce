/**
 * The OVH accounts file: the EU + CA example parses, credentials come from the worker's environment by
 * reference, each bad entry is named by its path with the fix, and the OVH_* variables stay the one-account
 * shorthand.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadWorkerAccounts } from '../../src/config';
import { AccountsFileError, parseAccountsFile } from '../../src/ovh/accounts-file';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'ovh-accounts.yaml');
const SECRETS = {
  EU_APP_KEY: 'eu-ak',
  EU_APP_SECRET: 'eu-as',
  EU_CONSUMER_KEY: 'eu-ck',
  CA_CLIENT_ID: 'ca-id',
  CA_CLIENT_SECRET: 'ca-secret',
};

function problemsOf(text: string): string {
  try {
    parseAccountsFile(text, 'accounts.yaml');
  } catch (error) {
    if (error instanceof AccountsFileError) return error.message;
    throw error;
  }
  throw new Error('the accounts file was accepted');
}

const EU = `
  - name: eu-prod
    endpoint: ovh-eu
    credentials: { applicationKey: '\${EU_APP_KEY}', applicationSecret: '\${EU_APP_SECRET}', consumerKey: '\${EU_CONSUMER_KEY}' }`;

describe('the accounts file', () => {
  it('reads the EU + CA example: endpoints, budgets and credentials by environment reference', () => {
    const env = { REIMAGE_OVH_ACCOUNTS: EXAMPLE, ...SECRETS };
    const accounts = loadWorkerAccounts(loadConfig(env), env);
    expect(accounts).toEqual({
      names: ['eu-prod', 'ca-prod'],
      credentialVariables: ['EU_APP_KEY', 'EU_APP_SECRET', 'EU_CONSUMER_KEY', 'CA_CLIENT_ID', 'CA_CLIENT_SECRET'],
      held: [
        {
          name: 'eu-prod',
          settings: { endpoint: 'ovh-eu', appKey: 'eu-ak', appSecret: 'eu-as', consumerKey: 'eu-ck' },
          rateLimit: { requests: 60, perMs: 60_000, burst: 10 },
          unreachableAfterMs: 30_000,
        },
        {
          name: 'ca-prod',
          settings: { endpoint: 'ovh-ca', clientId: 'ca-id', clientSecret: 'ca-secret' },
          rateLimit: { requests: 60, perMs: 60_000, burst: undefined },
          unreachableAfterMs: 30_000,
        },
      ],
    });
  });

  it('lets a worker hold some accounts only, needing only their variables', () => {
    const env = {
      REIMAGE_OVH_ACCOUNTS: EXAMPLE,
      REIMAGE_WORKER_ACCOUNTS: 'ca-prod',
      ...SECRETS,
      EU_APP_KEY: undefined,
    };
    const accounts = loadWorkerAccounts(loadConfig(env), env);
    expect({ names: accounts.names, held: accounts.held.map((account) => account.name) }).toEqual({
      names: ['eu-prod', 'ca-prod'],
      held: ['ca-prod'],
    });
  });

  it('names the account, the field and the variable when a credential is not in the environment', () => {
    const env = { REIMAGE_OVH_ACCOUNTS: EXAMPLE, ...SECRETS, EU_CONSUMER_KEY: undefined };
    expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
      new AccountsFileError(
        'accounts[0].credentials: account "eu-prod" refers to ${EU_CONSUMER_KEY}, not set in this worker\'s environment; set EU_CONSUMER_KEY, or leave the account to another worker with REIMAGE_WORKER_ACCOUNTS.',
      ),
    );
  });

  it('refuses a worker account the file does not define, and the OVH_* credentials next to the file', () => {
    const held = { REIMAGE_OVH_ACCOUNTS: EXAMPLE, REIMAGE_WORKER_ACCOUNTS: 'us-prod', ...SECRETS };
    expect(() => loadWorkerAccounts(loadConfig(held), held)).toThrow(
      new ConfigError(`REIMAGE_WORKER_ACCOUNTS: "us-prod" is not in ${EXAMPLE} (accounts: eu-prod, ca-prod).`),
    );
    const both = { REIMAGE_OVH_ACCOUNTS: EXAMPLE, OVH_APPLICATION_KEY: 'x', ...SECRETS };
    expect(() => loadWorkerAccounts(loadConfig(both), both)).toThrow(
      new ConfigError(
        'REIMAGE_OVH_ACCOUNTS and OVH_APPLICATION_KEY are both set: with an accounts file, credentials come from it; unset the OVH_* credentials (or REIMAGE_OVH_ACCOUNTS).',
      ),
    );
  });

  it('keeps the OVH_* variables as one account named default', () => {
    const env = { OVH_ENDPOINT: 'ovh-ca', OVH_CLIENT_ID: 'id', OVH_CLIENT_SECRET: 'secret', OVH_RATE_LIMIT: '30/min' };
    const { names, held } = loadWorkerAccounts(loadConfig(env), env);
    expect({ names, name: held[0]?.name, endpoint: held[0]?.settings.endpoint, rate: held[0]?.rateLimit }).toEqual({
      names: ['default'],
      name: 'default',
      endpoint: 'ovh-ca',
      rate: { requests: 30, perMs: 60_000 },
    });
  });

  it('names an unreadable file and the fix', () => {
    const env = { REIMAGE_OVH_ACCOUNTS: '/nonexistent/accounts.yaml' };
    expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
      /^REIMAGE_OVH_ACCOUNTS: "\/nonexistent\/accounts.yaml" cannot be read \(ENOENT.*\); point it at the accounts YAML file\.$/,
    );
  });

  it.each([
    [
      'a secret written in the file',
      `accounts:\n  - name: eu\n    endpoint: ovh-eu\n    credentials: { clientId: '\${ID}', clientSecret: s3cr3t }`,
      'accounts[0].credentials.clientSecret: must be an environment reference like ${EU_APP_KEY}, not the secret itself: credentials stay in the worker environment',
    ],
    [
      'an unknown endpoint',
      `accounts:\n  - name: eu\n    endpoint: ovh-mars\n    credentials: { clientId: '\${ID}', clientSecret: '\${SECRET}' }`,
      'accounts[0].endpoint: must be one of ovh-eu, ovh-ca, ovh-us or an https URL like https://eu.api.ovh.com/1.0 (got "ovh-mars")',
    ],
    [
      'two accounts with one name',
      `accounts:${EU}${EU}`,
      'accounts[1].name: "eu-prod" is already the name of accounts[0]; give each account its own name',
    ],
    [
      'an incomplete set of application keys',
      `accounts:\n  - name: eu\n    endpoint: ovh-eu\n    credentials: { applicationKey: '\${AK}', applicationSecret: '\${AS}' }`,
      'accounts[0].credentials.consumerKey: is required (application keys need applicationKey, applicationSecret and consumerKey, or use clientId and clientSecret)',
    ],
    [
      'both kinds of credentials',
      `accounts:\n  - name: eu\n    endpoint: ovh-eu\n    credentials: { applicationKey: '\${AK}', clientId: '\${ID}' }`,
      'accounts[0].credentials: holds both application keys and OAuth2 client credentials; keep one kind',
    ],
    [
      'a rate limit without a period',
      `accounts:${EU}\n    rateLimit: 60 a minute`,
      'accounts[0].rateLimit: must look like 60/min, 5/s or 3000/h',
    ],
    [
      'a misspelt key',
      `accounts:${EU}\n    rateLimt: 60/min`,
      'accounts[0].rateLimt: unknown key; did you mean "rateLimit"?',
    ],
    [
      'an account name with capitals',
      `accounts:${EU.replace('eu-prod', 'EU')}`,
      'accounts[0].name: must be 1-40 lowercase letters, digits and hyphens, starting and ending with a letter or digit (got "EU"); it is part of task queue names',
    ],
    [
      'a YAML alias bomb',
      [
        'a: &a [x, x, x, x, x, x, x, x, x, x]',
        ...Array.from({ length: 8 }, (_, i) => {
          const name = String.fromCharCode(98 + i);
          const previous = String.fromCharCode(97 + i);
          return `${name}: &${name} [*${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}]`;
        }),
        'accounts: *i',
      ].join('\n'),
      "(root): expands YAML aliases (*name) more than 100 times, which could exhaust the worker's memory; write each account out in full instead of through anchors and aliases",
    ],
  ])('refuses %s, naming the field and the fix', (_what, text, message) => {
    expect(problemsOf(text)).toBe(`The OVH accounts file accounts.yaml is not valid:\n${message}`);
  });

  it('never echoes a secret written where a reference belongs', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'accounts-'));
    const file = path.join(dir, 'accounts.yaml');
    writeFileSync(
      file,
      `accounts:\n  - name: eu\n    endpoint: ovh-eu\n    credentials: { clientId: '\${ID}', clientSecret: 12345 }\n`,
    );
    const env = { REIMAGE_OVH_ACCOUNTS: file };
    expect(() => loadWorkerAccounts(loadConfig(env), env)).toThrow(
      `The OVH accounts file ${file} is not valid:\naccounts[0].credentials.clientSecret: must be an environment reference like \${EU_APP_KEY} (got a number)`,
    );
  });
});
