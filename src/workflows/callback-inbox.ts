/**
 * The callbacks of one server run (campaigns with completion.callback): serverCallbackUpdate's handler and
 * validator, which accepts only the first callback of the deployment in progress. Workflow-safe.
 */
import { setHandler } from '@temporalio/workflow';
import type { CallbackHostKeys } from '../domain/completion';
import { serverCallbackUpdate } from '../shared/campaign-messages';
import type { ServerCallback } from '../shared/campaign-types';

/** The callbacks of one run: which deployment waits for one, and what each deployment's server sent. */
export class CallbackInbox {
  private awaiting?: number;
  private readonly received = new Map<number, ServerCallback>();

  /** Registers the update handler: call once, at the start of the workflow. */
  listen(): this {
    setHandler(serverCallbackUpdate, (callback) => this.accept(callback), {
      validator: (callback) => this.check(callback),
    });
    return this;
  }

  /** From the start of `deployment` until its wait ends, its first callback is accepted. */
  open(deployment: number): void {
    this.awaiting = deployment;
  }

  close(): void {
    this.awaiting = undefined;
  }

  /** The host keys `deployment`'s server sent, if it called back. */
  hostKeysOf(deployment: number): CallbackHostKeys | undefined {
    return this.received.get(deployment)?.hostKeys;
  }

  private check(callback: ServerCallback): void {
    if (this.received.has(callback.deployment)) throw new Error('This deployment already called back.');
    if (callback.deployment !== this.awaiting) throw new Error('No deployment of this run waits for this callback.');
  }

  private accept(callback: ServerCallback): 'accepted' {
    this.received.set(callback.deployment, callback);
    return 'accepted';
  }
}
