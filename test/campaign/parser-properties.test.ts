/**
 * Property-based tests of the parser: whatever it is given, it returns a spec or throws a
 * CampaignValidationError, never anything else.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CampaignValidationError, parseCampaign, validateCampaignData } from '../../src/campaign/loader';

const KNOWN_KEYS = [
  'name',
  'servers',
  'exclude',
  'allowList',
  'image',
  'url',
  'type',
  'checksum',
  'value',
  'httpHeaders',
  'configDrive',
  'hostname',
  'sshKey',
  'userData',
  'userDataFile',
  'metadata',
  'route',
  'rollout',
  'waves',
  'maxParallel',
  'failureBudget',
  'bakeTime',
  'approval',
  'deadlines',
  'install',
  'poll',
  'minInterval',
  'windows',
  'absolute',
  'recurring',
  'cron',
  'duration',
  'timezone',
  'start',
  'end',
  'retry',
  'bootProbe',
  'port',
  'timeout',
  'datacenters',
  'namePattern',
  'iamTags',
];
const VALUES = [
  'https://images.example.com/a.qcow2',
  'qcow2',
  'ova',
  '20%',
  '150%',
  '10m',
  '0 22 * * 1-5',
  'Europe/Paris',
  'ns3012345.ip-51-91-2.eu',
  '../x',
  'sha256:abc',
  'tcp',
  'http',
  'none',
  '{serviceName}',
  '${X}',
  '2025-06-03T22:00:00Z',
];

/** JSON-like values whose objects mostly use campaign keys, so the parser is exercised beyond the top level. */
const campaignish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...VALUES),
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string()), tie('value'), { maxKeys: 6 }),
  ),
})).value;

function outcome(action: () => unknown): 'accepted' | 'rejected' {
  try {
    action();
    return 'accepted';
  } catch (error) {
    if (error instanceof CampaignValidationError && error.issues.length > 0) return 'rejected';
    throw error;
  }
}

describe('parseCampaign on arbitrary input', () => {
  it('throws only CampaignValidationError on arbitrary JSON-like data', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), campaignish), (data) => {
        outcome(() => validateCampaignData(data, { baseDir: __dirname }));
      }),
      { numRuns: 1000 },
    );
  });

  it('throws only CampaignValidationError on arbitrary text, as YAML and as JSON', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          campaignish.map((data) => stringify(data)),
        ),
        (text) => {
          outcome(() => parseCampaign(text, { format: 'yaml', baseDir: __dirname }));
          outcome(() => parseCampaign(text, { format: 'json', baseDir: __dirname }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives every issue a path and a message on one line', () => {
    fc.assert(
      fc.property(campaignish, (data) => {
        try {
          validateCampaignData(data, { baseDir: __dirname });
        } catch (error) {
          const issues = (error as CampaignValidationError).issues;
          return issues.every((issue) => issue.path !== '' && issue.message !== '' && !issue.message.includes('\n'));
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
