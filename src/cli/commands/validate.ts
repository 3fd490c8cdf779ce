/** `reimage validate FILE [--json]`: checks a campaign file without touching Temporal or OVH. */
import { parseArgs } from 'node:util';
import { loadCampaignFile } from '../../campaign/loader';
import { campaignFileOptions } from '../../config';
import { requirePositional } from '../campaign-client';
import { printResult } from '../output';

export const usage = `reimage validate FILE [--json]

Checks a campaign file (YAML or JSON) against the schema (schema/campaign.schema.json) and the cross-field
rules. Every problem is printed as "path: message" naming the fix; exit code 3 when the file is invalid.
Contacts neither Temporal nor OVH.

Examples:
  reimage validate examples/campaigns/canary-rollout.yaml
  reimage validate campaign.json --json`;

export async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' } },
    allowPositionals: true,
  });
  const file = requirePositional(positionals, 'the campaign file', usage);
  try {
    const spec = await loadCampaignFile(file, campaignFileOptions(env));
    const servers =
      spec.servers.kind === 'list' ? `${spec.servers.serviceNames.length} servers` : 'servers by selector';
    printResult(
      { valid: true, file, campaign: spec },
      values.json,
      `${file}: valid campaign "${spec.name}" (${servers}, route ${spec.route}).`,
    );
    return 0;
  } catch (err) {
    if (!values.json || (err as Error).name !== 'CampaignValidationError') throw err;
    const issues = (err as Error & { issues: unknown[] }).issues;
    printResult({ valid: false, file, issues }, true, '');
    return 3;
  }
}
