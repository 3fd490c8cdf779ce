/** The worker's hook allow-list (REIMAGE_HOOK_HOSTS) and the webhook URL rule of the campaign file. */
import { campaignWebhooks, hostAllowed, refusedWebhooks, webhookUrlProblem } from '../../src/campaign/hook-hosts';

describe('the hook allow-list', () => {
  it('matches a host name on any port, a host:port on that port only, and *.domain on its subdomains', () => {
    const allowed = ['lb.example.com', 'localhost:8443', '*.hooks.example.net'];
    expect(
      [
        'https://lb.example.com/reimage',
        'https://lb.example.com:9443/reimage',
        'https://localhost:8443/x',
        'https://localhost:8444/x',
        'http://localhost/x',
        'https://a.hooks.example.net/x',
        'https://hooks.example.net/x',
        'https://evil-lb.example.com/x',
      ].map((url) => hostAllowed(url, allowed)),
    ).toEqual([true, true, true, false, false, true, false, false]);
  });

  it('refuses every webhook of the campaign whose host is not on it, by spec path and host', () => {
    const refs = campaignWebhooks(
      {
        beforeWipe: { kind: 'webhook', url: 'https://lb.example.com/reimage', timeoutMs: 30_000 },
        afterBoot: { kind: 'workflow', workflowType: 'undrainNode', taskQueue: 'k8s-ops', timeoutMs: 60_000 },
        afterRollback: { kind: 'webhook', url: 'https://tickets.internal:8443/new', timeoutMs: 30_000 },
      },
      [
        {
          webhook: { url: 'https://chat.example.com/hook', format: 'slack', timeoutMs: 30_000 },
          events: ['campaign.finished'],
        },
      ],
    );
    expect(refusedWebhooks(refs, ['lb.example.com', 'chat.example.com'])).toEqual([
      'hooks.afterRollback.webhook.url: "tickets.internal:8443" is not on the worker\'s hook allow-list (REIMAGE_HOOK_HOSTS; it holds lb.example.com, chat.example.com); add the host there or change the URL',
    ]);
    expect(refusedWebhooks(refs, [])).toEqual([
      'hooks.beforeWipe.webhook.url: "lb.example.com" is not on the worker\'s hook allow-list (REIMAGE_HOOK_HOSTS; it is empty); add the host there or change the URL',
      'hooks.afterRollback.webhook.url: "tickets.internal:8443" is not on the worker\'s hook allow-list (REIMAGE_HOOK_HOSTS; it is empty); add the host there or change the URL',
      'notify[0].webhook.url: "chat.example.com" is not on the worker\'s hook allow-list (REIMAGE_HOOK_HOSTS; it is empty); add the host there or change the URL',
    ]);
  });

  it('accepts plain http to loopback addresses only', () => {
    expect(
      ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://[::1]:80/x', 'https://lb.example.com/x'].map(
        webhookUrlProblem,
      ),
    ).toEqual([undefined, undefined, undefined, undefined]);
    expect(webhookUrlProblem('http://10.0.0.1/x')).toBe(
      'must use https: plain http is allowed only to loopback addresses (localhost, 127.0.0.1, [::1]), not "10.0.0.1"',
    );
    expect(webhookUrlProblem('https://user:pw@lb.example.com/x')).toBe(
      'must not carry a user name or password; sign the requests with a secret instead',
    );
  });
});
