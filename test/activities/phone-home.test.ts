import { ApplicationFailure } from '@temporalio/common';
import { callbackToken, callbackUrl, parseCallbackPath, sameToken } from '../../src/activities/callback-token';
import { configDriveWithCallback, phoneHomeConfig, withPhoneHome } from '../../src/activities/phone-home';
import { FailureType } from '../../src/shared/failure-types';

const SECRET = 'a-worker-secret-of-at-least-32-characters';
const RUN = { workflowId: 'reimage-server-ns1.test.eu', runId: 'run-1', deployment: 1 };
const CONFIG = phoneHomeConfig('https://reimage.example.com/cb/ns1.test.eu/1/tok', 10);

/** The parts of a multipart document: [content type, body]. */
function partsOf(archive: string): [string, string][] {
  const boundary = /boundary="([^"]+)"/.exec(archive)?.[1] as string;
  return archive
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [head, body] = chunk.split('\n\n', 2) as [string, string];
      return [/Content-Type: ([^;\n]+)/.exec(head)?.[1] as string, body];
    });
}

describe('the callback token', () => {
  it('differs per run and per deployment, and only the secret makes it', () => {
    const token = callbackToken(SECRET, RUN);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(callbackToken(SECRET, { ...RUN, deployment: 2 })).not.toBe(token);
    expect(callbackToken(SECRET, { ...RUN, runId: 'run-2' })).not.toBe(token);
    expect(callbackToken(`${SECRET}!`, RUN)).not.toBe(token);
    expect(sameToken(token, callbackToken(SECRET, RUN))).toBe(true);
    expect(sameToken(token.replace(/.$/, token.endsWith('A') ? 'B' : 'A'), token)).toBe(false);
  });

  it('travels in the URL path, from which the receiver reads it back', () => {
    const token = callbackToken(SECRET, RUN);
    const url = callbackUrl('https://reimage.example.com/cb/', 'ns1.test.eu', 1, token);
    expect(url).toBe(`https://reimage.example.com/cb/ns1.test.eu/1/${token}`);
    expect(parseCallbackPath(new URL(url).pathname)).toEqual({ serviceName: 'ns1.test.eu', deployment: 1, token });
    expect(parseCallbackPath('/cb/ns1.test.eu/0/' + token)).toBeUndefined();
    expect(parseCallbackPath('/cb/ns1.test.eu/1/short')).toBeUndefined();
  });
});

describe('the phone_home part of the user data', () => {
  it('is the whole user data when the campaign has none', () => {
    expect(withPhoneHome(undefined, CONFIG)).toBe(
      '#cloud-config\nphone_home:\n  url: "https://reimage.example.com/cb/ns1.test.eu/1/tok"\n  post: all\n  tries: 10\n',
    );
  });

  it.each([
    ['a cloud-config', '#cloud-config\npackages: [nginx]\n', 'text/cloud-config'],
    ['a shell script', '#!/bin/sh\necho hello\n', 'text/x-shellscript'],
    ['an include list', '#include\nhttps://example.com/more\n', 'text/x-include-url'],
  ])('joins %s as the first part of a multipart archive', (_kind, userData, type) => {
    expect(partsOf(withPhoneHome(userData, CONFIG))).toEqual([
      [type, userData],
      ['text/cloud-config', CONFIG],
    ]);
  });

  it('appends itself to a multipart archive the campaign wrote', () => {
    const archive = withPhoneHome('#!/bin/sh\necho one\n', phoneHomeConfig('https://other.example.com/x', 1));
    const merged = withPhoneHome(archive, CONFIG);
    expect(partsOf(merged).map(([type]) => type)).toEqual([
      'text/x-shellscript',
      'text/cloud-config',
      'text/cloud-config',
    ]);
    expect(partsOf(merged)[2]?.[1]).toBe(CONFIG);
  });

  it('refuses a multipart archive without its closing boundary, naming the field', () => {
    const broken = 'Content-Type: multipart/mixed; boundary="b"\nMIME-Version: 1.0\n\n--b\n\n#!/bin/sh\n';
    expect(() => withPhoneHome(broken, CONFIG)).toThrow(
      'configDrive.userData is a multipart MIME document without a boundary or its closing line, so the phone_home part of completion.callback cannot be added; fix the document (cloud-init make-mime writes valid ones).',
    );
  });

  it('carries the token of the run and deployment in the config drive', () => {
    const drive = configDriveWithCallback(
      { hostname: 'web-1' },
      { callback: 'https://reimage.example.com/cb', tries: 3 },
      { ...RUN, serviceName: 'ns1.test.eu' },
      SECRET,
    );
    const url = callbackUrl('https://reimage.example.com/cb', 'ns1.test.eu', 1, callbackToken(SECRET, RUN));
    expect(drive).toEqual({ hostname: 'web-1', userData: phoneHomeConfig(url, 3) });
  });

  it('fails with ConfigurationError when the worker has no secret to sign the token with', () => {
    const attempt = () =>
      configDriveWithCallback(
        undefined,
        { callback: 'https://x.example.com/cb', tries: 3 },
        { ...RUN, serviceName: 'ns1' },
        undefined,
      );
    expect(attempt).toThrow(ApplicationFailure);
    expect(attempt).toThrow(
      'The campaign sets completion.callback, but REIMAGE_CALLBACK_SECRET is not set on this worker; set the same secret (openssl rand -base64 32) on every worker and on reimage callback-server, or drop completion.callback.',
    );
    try {
      attempt();
    } catch (error) {
      expect((error as ApplicationFailure).type).toBe(FailureType.ConfigurationError);
    }
  });
});
