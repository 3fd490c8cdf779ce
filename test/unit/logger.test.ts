import { createJsonLogger } from '../../src/observability/logger';
import { REDACTED, redact } from '../../src/observability/redact';

describe('structured logs', () => {
  it('writes one JSON object per line with the campaign and server fields', () => {
    const lines: string[] = [];
    const logger = createJsonLogger('info', (line) => lines.push(line)).child({ campaignId: 'c1' });
    logger.info('install started', { serviceName: 'ns1.ip-1-2-3.eu', taskId: 7 });
    logger.debug('dropped below the threshold');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      message: 'install started',
      campaignId: 'c1',
      serviceName: 'ns1.ip-1-2-3.eu',
      taskId: 7,
    });
  });

  it('never prints an SSH key, a header value, user data or a credential', () => {
    const lines: string[] = [];
    const logger = createJsonLogger('debug', (line) => lines.push(line));
    logger.info('deploying', {
      image: { url: 'https://images.example/debian.raw', httpHeaders: { Authorization: 'Basic c2VjcmV0' } },
      configDrive: { sshKey: 'ssh-ed25519 AAAAsecret', userData: '#cloud-config\npassword: hunter2' },
      credentials: { appSecret: 'AS-secret', consumerKey: 'CK-secret', clientSecret: 'oauth-secret' },
    });
    const text = lines.join('');
    for (const secret of ['c2VjcmV0', 'AAAAsecret', 'hunter2', 'AS-secret', 'CK-secret', 'oauth-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text).configDrive).toEqual({ sshKey: REDACTED, userData: REDACTED });
  });

  it('redacts hook secrets, proxy credentials and cookies', () => {
    const headers = { 'Proxy-Authorization': 'Basic cHJveHk=', Cookie: 'session=abc', 'Set-Cookie': 'id=1' };
    expect(redact({ webhook: { url: 'https://lb.example.com', secret: 'hook-secret' }, headers })).toEqual({
      webhook: { url: 'https://lb.example.com', secret: REDACTED },
      headers: { 'Proxy-Authorization': REDACTED, Cookie: REDACTED, 'Set-Cookie': REDACTED },
    });
  });

  it('redacts what lies deeper than it looks, instead of returning it unchecked', () => {
    let deep: Record<string, unknown> = { password: 'deep-secret' };
    for (let level = 0; level < 10; level += 1) deep = { level: deep };
    expect(JSON.stringify(redact(deep))).not.toContain('deep-secret');
    expect(JSON.stringify(redact(deep))).toContain(REDACTED);
  });

  it('keeps non-secret fields and nested arrays intact', () => {
    expect(redact({ servers: [{ serviceName: 'ns1', sshKey: 'k' }], count: 2 })).toEqual({
      servers: [{ serviceName: 'ns1', sshKey: REDACTED }],
      count: 2,
    });
  });
});
