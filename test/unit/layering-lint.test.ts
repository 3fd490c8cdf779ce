import { lintSnippets, type Snippet } from '../helpers/eslint';

const restricted = (source: string, why: string) =>
  `'${source}' import is restricted from being used by a pattern. ${why}`;
const LOWER_LAYER =
  'ovh/, shared/ and campaign/ sit below activities, workflows and the CLI (imports point down): move what they ' +
  'need into src/domain or src/shared.';
const ACTIVITIES =
  'Activities sit below workflows and the CLI (imports point down): move what both need into src/shared or ' +
  'src/domain.';
const TESTKIT =
  'testkit/ is not in the worker image (the Dockerfile copies src/ only) and sits above the CLI: src/ never imports it.';
const INPUT =
  "src/input reads the operator's files for campaign/ and ovh/ alike, below both: it imports only src/domain and " +
  'its own folder.';
const DOMAIN = "src/domain is the bottom layer, the product's vocabulary: it imports no package and no other folder.";

/** Each case imports one module and uses it, so the import rules are the only ones that can fire. */
const cases = {
  ovhImportsActivities: {
    filePath: 'src/ovh/bad.ts',
    code: "import type { ReimageActivities } from '../activities/types';\nexport type A = ReimageActivities;\n",
  },
  nestedOvhImportsWorkflows: {
    filePath: 'src/ovh/routes/bad.ts',
    code: "import { planCampaignWorkflow } from '../../workflows/plan-campaign';\nexport const w = planCampaignWorkflow;\n",
  },
  sharedImportsActivities: {
    filePath: 'src/shared/bad.ts',
    code: "import type { DeploymentHandle } from '../activities/types';\nexport type H = DeploymentHandle;\n",
  },
  campaignImportsCli: {
    filePath: 'src/campaign/bad.ts',
    code: "import { ExitCode } from '../cli/exit-codes';\nexport const e = ExitCode;\n",
  },
  campaignImportsSimulator: {
    filePath: 'src/campaign/bad.ts',
    code: "import { createSimulator } from '../simulator';\nexport const s = createSimulator;\n",
  },
  activitiesImportWorkflows: {
    filePath: 'src/activities/bad.ts',
    code: "import { NON_RETRYABLE_TYPES } from '../workflows/activity-options';\nexport const n = NON_RETRYABLE_TYPES;\n",
  },
  inputImportsCampaign: {
    filePath: 'src/input/bad.ts',
    code: "import { quote } from '../campaign/service-names';\nexport const q = quote;\n",
  },
  domainImportsPackage: {
    filePath: 'src/domain/bad.ts',
    code: "import { z } from 'zod';\nexport const s = z.string();\n",
  },
  domainImportsShared: {
    filePath: 'src/domain/bad.ts',
    code: "import type { ServerTarget } from '../shared/campaign-types';\nexport type T = ServerTarget;\n",
  },
  domainImportsSibling: {
    filePath: 'src/domain/ok.ts',
    code: "import type { DeployRoute } from './routes';\nexport type R = DeployRoute;\n",
  },
  ovhImportsDomainAndOvh: {
    filePath: 'src/ovh/routes/ok.ts',
    code:
      "import type { ImageSpec } from '../../domain/image';\nimport type { OvhCaller } from '../client';\n" +
      'export type I = ImageSpec | OvhCaller;\n',
  },
  workflowImportsDomainAndOvh: {
    filePath: 'src/workflows/bad.ts',
    code:
      "import type { DeployRoute } from '../domain/routes';\nimport * as ovh from '../ovh/client';\n" +
      'export type R = DeployRoute;\nexport const o = ovh;\n',
  },
  cliImportsTestkit: {
    filePath: 'src/cli/commands/bad.ts',
    code: "import type { runDemo } from '../../../testkit/demo/run-demo';\nexport type D = typeof runDemo;\n",
  },
} satisfies Record<string, Snippet>;

type CaseName = keyof typeof cases;
let messages: Record<CaseName, string[]>;

beforeAll(() => {
  const names = Object.keys(cases) as CaseName[];
  const results = lintSnippets(names.map((name) => cases[name]));
  messages = Object.fromEntries(names.map((name, index) => [name, results[index]])) as Record<CaseName, string[]>;
}, 120_000);

describe('the layering lint rule', () => {
  it('rejects an OVH module importing the activity contract', () => {
    expect(messages.ovhImportsActivities).toEqual([restricted('../activities/types', LOWER_LAYER)]);
  });

  it('rejects a nested OVH module climbing into the workflows', () => {
    expect(messages.nestedOvhImportsWorkflows).toEqual([restricted('../../workflows/plan-campaign', LOWER_LAYER)]);
  });

  it('rejects shared code importing the activity contract', () => {
    expect(messages.sharedImportsActivities).toEqual([restricted('../activities/types', LOWER_LAYER)]);
  });

  it('rejects campaign code importing the CLI or the simulator', () => {
    expect(messages.campaignImportsCli).toEqual([restricted('../cli/exit-codes', LOWER_LAYER)]);
    expect(messages.campaignImportsSimulator).toEqual([restricted('../simulator', LOWER_LAYER)]);
  });

  it('rejects activities importing workflow code', () => {
    expect(messages.activitiesImportWorkflows).toEqual([restricted('../workflows/activity-options', ACTIVITIES)]);
  });

  it("rejects the operator's file tools importing the campaign code they sit below", () => {
    expect(messages.inputImportsCampaign).toEqual([restricted('../campaign/service-names', INPUT)]);
  });

  it('rejects a package or another folder imported by the domain', () => {
    expect(messages.domainImportsPackage).toEqual([restricted('zod', DOMAIN)]);
    expect(messages.domainImportsShared).toEqual([restricted('../shared/campaign-types', DOMAIN)]);
  });

  it('allows the domain to import a sibling domain module', () => {
    expect(messages.domainImportsSibling).toEqual([]);
  });

  it('allows a lower layer to import the domain and its own folder', () => {
    expect(messages.ovhImportsDomainAndOvh).toEqual([]);
  });

  it('rejects src/ importing testkit/, even for a type', () => {
    expect(messages.cliImportsTestkit).toEqual([restricted('../../../testkit/demo/run-demo', TESTKIT)]);
  });

  it('keeps the workflow sandbox rule on workflow code, which may import the domain', () => {
    expect(messages.workflowImportsDomainAndOvh).toEqual([
      restricted(
        '../ovh/client',
        'Workflow code may not reach I/O modules; pass values in the workflow input instead.',
      ),
    ]);
  });
});
