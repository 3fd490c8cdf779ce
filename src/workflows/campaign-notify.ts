/**
 * Campaign notifications: each event the campaign raises goes to every notify target subscribed to it, through
 * the deliverNotification activity, without the campaign waiting for it. A delivery never blocks nor fails the
 * campaign: a failed one is recorded in the report. A campaign without `notify` sends no command here.
 *
 * Guarantees
 * - The delivery ID is campaign/notify/<event number>/<target index>: the same for every retry (the activity
 *   retries the receiver within the target's timeout; Temporal retries it after a worker loss).
 * - Deliveries run in a non-cancellable scope: a cancelled campaign still says so. Continue-as-new and the
 *   campaign's end wait for deliveries in flight, so none is lost and the report lists every failure.
 */
import { CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { HookActivities } from '../activities/types';
import type { NotifyEvent, NotifySpec } from '../domain/hooks';
import type { CampaignEvent } from '../shared/campaign-events';
import type { FailedNotification } from '../shared/campaign-report-types';
import type { ServerResult, ServerTarget } from '../shared/campaign-types';
import { FailureType } from '../shared/failure-types';
import type { CampaignWaves } from './campaign-waves';

/** Room after a target's own deadline for the last try to answer and the activity to report. */
const DELIVERY_MARGIN_MS = 60_000;
/** Failed deliveries kept for the report: enough to see a broken target, bounded across continue-as-new. */
const MAX_FAILURES_KEPT = 50;

/** What the notifier needs of the campaign. */
export interface NotifySource {
  readonly campaignId: string;
  readonly targets: readonly NotifySpec[];
  totals(): CampaignEvent['totals'];
  /** Called when a delivery ends, so the main loop can wake up (continue-as-new waits on deliveries). */
  touch(): void;
}

/** Raises campaign events and keeps what the report and continue-as-new need. */
export class Notifier {
  /** Events raised so far (carried across continue-as-new). */
  raised: number;
  inFlight = 0;
  readonly failures: FailedNotification[];

  constructor(
    private readonly source: NotifySource,
    carried: { notified?: number; failedNotifications?: FailedNotification[] } = {},
  ) {
    this.raised = carried.notified ?? 0;
    this.failures = [...(carried.failedNotifications ?? [])];
  }

  /** Sends `event` (with `details`) to every target subscribed to it; returns at once. */
  raise(event: NotifyEvent, details: Partial<Omit<CampaignEvent, 'event' | 'deliveryId'>> = {}): void {
    const subscribed = this.source.targets.flatMap((target, index) => (target.events.includes(event) ? [index] : []));
    if (subscribed.length === 0) return;
    this.raised += 1;
    const number = this.raised;
    const body = {
      event,
      campaignId: this.source.campaignId,
      at: new Date(Date.now()).toISOString(),
      totals: this.source.totals(),
      ...details,
    };
    for (const index of subscribed) {
      const deliveryId = `${this.source.campaignId}/notify/${number}/${index}`;
      this.send(index, { ...body, deliveryId });
    }
  }

  /** Raises `event` for the current wave once (`bit`: 1 wave.finished, 2 awaiting_approval). */
  raiseForWave(waves: CampaignWaves, bit: 1 | 2, event: 'wave.finished' | 'campaign.awaiting_approval'): void {
    if (this.source.targets.length === 0 || !waves.markRaised(bit)) return;
    // The wave awaiting approval is the next one.
    this.raise(event, { wave: waves.current.index + bit });
  }

  /** Raises server.failed for a server that finished with `result`. */
  raiseServerFailed(result: ServerResult, target: ServerTarget | undefined): void {
    const { datacenter, rack } = target ?? {};
    this.raise('server.failed', {
      server: {
        serviceName: result.serviceName,
        datacenter: datacenter || undefined,
        rack: rack || undefined,
        outcome: result.outcome,
        message: result.message || undefined,
      },
    });
  }

  private send(index: number, event: CampaignEvent): void {
    const target = (this.source.targets[index] as NotifySpec).webhook;
    const acts = proxyActivities<HookActivities>({
      startToCloseTimeout: target.timeoutMs + DELIVERY_MARGIN_MS,
      heartbeatTimeout: 30_000,
      retry: { maximumAttempts: 3, nonRetryableErrorTypes: Object.values(FailureType) },
    });
    this.inFlight += 1;
    const deadlineAt = new Date(Date.now() + target.timeoutMs).toISOString();
    void CancellationScope.nonCancellable(() => acts.deliverNotification({ index, target, event, deadlineAt }))
      .catch((err: unknown) => this.record(event.event, index, err))
      .finally(() => {
        this.inFlight -= 1;
        this.source.touch();
      });
  }

  private record(event: NotifyEvent, index: number, err: unknown): void {
    let cause = err;
    while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push({ event, target: `notify[${index}]`, message });
  }

  /** What continue-as-new carries (nothing when no event was raised). */
  encode(): { notified?: number; failedNotifications?: FailedNotification[] } {
    return {
      notified: this.raised > 0 ? this.raised : undefined,
      failedNotifications: this.failures.length > 0 ? [...this.failures] : undefined,
    };
  }
}
