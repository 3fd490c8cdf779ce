import { CampaignValidationError, parseCampaign } from '../../src/campaign/loader';
import { toCampaignSettings } from '../../src/campaign/to-settings';

const BASE = `name: completion-test
servers: [ns3012345.ip-51-91-2.eu]
image:
  url: https://images.example.com/debian-12.qcow2
  type: qcow2
`;

function issuesOf(text: string): CampaignValidationError['issues'] {
  try {
    parseCampaign(text, { format: 'yaml' });
  } catch (error) {
    if (error instanceof CampaignValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a CampaignValidationError');
}

describe('completion.callback in the campaign file', () => {
  it('carries the callback URL and its tries (10 by default) into the workflow settings', () => {
    const spec = parseCampaign(`${BASE}completion:\n  callback: https://reimage.example.com/phone-home\n`, {
      format: 'yaml',
    });
    expect(toCampaignSettings(spec, 'q').completion).toEqual({
      callback: 'https://reimage.example.com/phone-home',
      tries: 10,
    });
  });

  it('leaves the settings without completion when the file has none', () => {
    expect(toCampaignSettings(parseCampaign(BASE, { format: 'yaml' }), 'q').completion).toBeUndefined();
  });

  it('polls every 15 minutes at most with a callback, 10 without, unless the file sets poll.maxInterval', () => {
    const maxMs = (text: string) => parseCampaign(text, { format: 'yaml' }).poll.maxMs;
    const callback = 'completion:\n  callback: https://reimage.example.com/phone-home\n';
    expect(maxMs(`${BASE}${callback}`)).toBe(15 * 60_000);
    expect(maxMs(BASE)).toBe(10 * 60_000);
    expect(maxMs(`${BASE}${callback}poll: {maxInterval: 2m}\n`)).toBe(2 * 60_000);
  });

  it('accepts plain http to a loopback address, for rehearsals', () => {
    const spec = parseCampaign(`${BASE}completion:\n  callback: http://127.0.0.1:8099/cb\n`, { format: 'yaml' });
    expect(spec.completion?.callback).toBe('http://127.0.0.1:8099/cb');
  });

  it.each([
    [
      'http://reimage.example.com/cb',
      'must use https: plain http is allowed only to loopback addresses (localhost, 127.0.0.1, [::1]), not "reimage.example.com"',
    ],
    ['reimage.example.com/cb', 'must be an absolute https URL, e.g. "https://reimage.example.com/phone-home"'],
    [
      'https://reimage.example.com/cb?x=1',
      "must not carry a query string or a fragment: each server's path and token are appended to the URL's path",
    ],
    [
      'https://user:pw@reimage.example.com/cb',
      "must not carry a user name or password: the one-time token reimage appends to each server's callback path authenticates it",
    ],
  ])('refuses the callback %s with a message naming the fix', (url, message) => {
    expect(issuesOf(`${BASE}completion:\n  callback: ${url}\n`)).toEqual([{ path: 'completion.callback', message }]);
  });

  it('refuses user data that leaves no room for the phone_home part', () => {
    const userData = `#cloud-config\n# ${'x'.repeat(31 * 1024)}\n`;
    const text = `${BASE}configDrive:\n  userData: ${JSON.stringify(userData)}\ncompletion:\n  callback: https://reimage.example.com/cb\n`;
    expect(issuesOf(text)).toEqual([
      {
        path: 'configDrive.userData',
        message: `is ${userData.length} bytes; with completion.callback set, user data is capped at 31744 bytes (32 KiB less 1024 for the phone_home part): make it smaller or drop completion.callback`,
      },
    ]);
    expect(parseCampaign(text.replace(/completion:[^]*$/, ''), { format: 'yaml' }).configDrive?.userData).toBe(
      userData,
    );
  });
});
