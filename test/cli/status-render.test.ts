/** `reimage status` as text: what a running server is doing, and what the operator can do next. */
import { renderStatus, type StatusSnapshot } from '../../src/cli/commands/status';

/** A running campaign of three servers, two of them in flight. */
function snapshot(overrides: Partial<StatusSnapshot>): StatusSnapshot {
  return {
    campaignId: 'spring',
    run: 1,
    status: 'running',
    paused: false,
    draining: false,
    cancelling: false,
    concurrency: 2,
    wave: { number: 1, size: 3, admitted: 2, approvalNeeded: false },
    window: { configured: false, open: true },
    totals: {
      servers: 3,
      pending: 1,
      running: 2,
      finished: 0,
      notStarted: 0,
      byOutcome: {},
      failures: 0,
      failureBudget: 0,
      apiCalls: 12,
    },
    servers: [],
    completed: false,
    installSteps: {},
    ...overrides,
  };
}

const inFlightLines = (s: StatusSnapshot) =>
  renderStatus(s)
    .split('\n')
    .filter((line) => line.startsWith('  ns'));

describe('reimage status, rendered', () => {
  it('shows each running server by its install step when the polls read it, else by its own phase', () => {
    const s = snapshot({
      installSteps: {
        'ns1.ip-1-2-3.eu': { index: 5, total: 9, name: 'Downloading OS image' },
        'ns2.ip-1-2-3.eu': undefined,
      },
      phases: { 'ns1.ip-1-2-3.eu': 'installing', 'ns2.ip-1-2-3.eu': 'rolling_back' },
    });
    expect(inFlightLines(s)).toEqual([
      '  ns1.ip-1-2-3.eu: step 5/9 Downloading OS image',
      '  ns2.ip-1-2-3.eu: rolling back',
    ]);
  });

  it('says a running server whose workflow did not answer is running, not that it is starting', () => {
    expect(inFlightLines(snapshot({ installSteps: { 'ns3.ip-1-2-3.eu': undefined } }))).toEqual([
      '  ns3.ip-1-2-3.eu: running',
    ]);
  });
});

describe('reimage status of a finished campaign', () => {
  it('names how a halted campaign ended, counts its servers not started, and does not advise a retry when no server failed', () => {
    const s = snapshot({
      completed: true,
      finalState: 'halted',
      haltReason: 'The image was rejected: it could not be downloaded.',
      totals: { ...snapshot({}).totals, pending: 0, running: 0, finished: 0, notStarted: 3 },
    });
    const lines = renderStatus(s).split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'campaign spring: halted (The image was rejected: it could not be downloaded.)',
      `[${'.'.repeat(30)}] 0/3 finished, 0 running, 0 pending, 3 not started`,
    ]);
    expect(lines.filter((line) => line.startsWith('next:'))).toEqual([
      'next: fix what stopped the campaign (above), then start it again: no server was touched',
    ]);
  });

  it('shows how many waves ran and no wave in progress, concurrency or ETA', () => {
    const s = snapshot({
      completed: true,
      wave: { number: 2, size: 4, admitted: 3, approvalNeeded: false },
      etaMs: 0,
      totals: { ...snapshot({}).totals, pending: 0, running: 0, finished: 3, byOutcome: { done: 3 } },
    });
    expect(renderStatus(s).split('\n').slice(0, 4)).toEqual([
      'campaign spring: finished',
      `[${'#'.repeat(30)}] 3/3 finished, 0 running, 0 pending`,
      'outcomes: done 3; failures 0/0 budget',
      '2 waves, OVH calls 12',
    ]);
  });
});

describe('reimage status of a campaign whose servers call back', () => {
  const rows = ['ns1.ip-1-2-3.eu', 'ns2.ip-1-2-3.eu', 'ns3.ip-1-2-3.eu'].map((serviceName, i) => ({
    serviceName,
    state: 'finished' as const,
    outcome: 'done' as const,
    attempts: 1,
    calledBack: i < 2 ? (true as const) : undefined,
  }));
  /** The totals of the three servers done, `calledBack` of them having called back. */
  const allDone = (calledBack: number) => ({
    ...snapshot({}).totals,
    running: 0,
    pending: 0,
    finished: 3,
    byOutcome: { done: 3 },
    calledBack,
  });

  it('counts the done servers that called back and names the ones polling found', () => {
    const lines = renderStatus(snapshot({ completed: true, totals: allDone(2), servers: rows })).split('\n');
    expect(lines.filter((line) => line.startsWith('callbacks:'))).toEqual([
      'callbacks: 2 of 3 done servers called back (report --format known-hosts prints their SSH host keys); found by polling, without host keys: ns3.ip-1-2-3.eu',
    ]);
  });

  it('points at the callback server when no done server called back, and says nothing before one is done', () => {
    const silent = rows.map((row) => ({ ...row, calledBack: undefined }));
    const lines = renderStatus(snapshot({ completed: true, totals: allDone(0), servers: silent })).split('\n');
    expect(lines.filter((line) => line.startsWith('callbacks:'))).toEqual([
      'callbacks: 0 of 3 done servers called back (check that completion.callback reaches reimage callback-server from the servers, and that the image runs cloud-init); found by polling, without host keys: ns1.ip-1-2-3.eu, ns2.ip-1-2-3.eu, ns3.ip-1-2-3.eu',
    ]);
    const running = renderStatus(snapshot({ totals: { ...snapshot({}).totals, calledBack: 0 } })).split('\n');
    expect(running.some((line) => line.startsWith('callbacks'))).toBe(false);
  });

  it('says nothing of callbacks for a campaign without completion.callback', () => {
    const lines = renderStatus(snapshot({ servers: rows })).split('\n');
    expect(lines.some((line) => line.startsWith('callbacks'))).toBe(false);
  });
});
