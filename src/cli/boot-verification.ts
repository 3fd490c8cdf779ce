/**
 * A campaign started with `bootProbe: none` proves no boot: its memo says so, and `reimage status` and every
 * report repeat it, so that nobody reads `done` as "the new OS answers".
 */
import type { CampaignSpec } from '../campaign/schema';

const MEMO_KEY = 'bootNotVerified';

/** What status and reports print for such a campaign. */
export const BOOT_NOT_VERIFIED =
  'Boot not verified: the campaign says "bootProbe: none", so "done" means OVH finished the install and the server boots from its disk, not that its new OS answers.';

/** The memo of a campaign started from `spec` (absent when its boots are proven). */
export function campaignMemo(spec: CampaignSpec): { memo: Record<string, unknown> } | Record<string, never> {
  return spec.bootProbe === 'none' ? { memo: { [MEMO_KEY]: true } } : {};
}

/** Whether a campaign's memo says its boots are not verified. */
export function bootNotVerified(memo: Record<string, unknown> | undefined): boolean {
  return memo?.[MEMO_KEY] === true;
}
