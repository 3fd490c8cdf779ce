// ESLint: typescript-eslint recommended everywhere, plus three import rules. The workflow sandbox rule: code
// under src/workflows/ runs in Temporal's deterministic sandbox and may import only workflow-safe modules.
// The layering rule: imports point down only (cli -> workflows/activities -> ovh/campaign/shared -> input -> domain).
// The shipping rule: src/ is the worker image, testkit/ is not in it, so src/ imports only types from it.
// Each file glob below gets one `@typescript-eslint/no-restricted-imports` entry whose pattern list is
// complete: a later flat-config entry for the same files would replace the rule's options, not add to them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A pattern matching relative imports that climb into one of the top-level `names` of src/ (a folder or a
 * root module such as worker.ts). */
const climbsInto = (...names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;

/** testkit/ composes src/ for tests, drills, benchmarks and the demo; the worker image ships src/ alone. */
const testkitForbidden = {
  regex: '^(\\.\\./)+testkit(/|$)',
  message:
    'testkit/ is not in the worker image (the Dockerfile copies src/ only) and sits above the CLI: src/ never imports it.',
};

const domainForbidden = [
  {
    regex: '^(?!\\./)',
    message: "src/domain is the bottom layer, the product's vocabulary: it imports no package and no other folder.",
  },
];

const lowerLayerForbidden = [
  {
    regex: climbsInto('activities', 'workflows', 'cli', 'worker', 'config', 'temporal', 'simulator'),
    message:
      'ovh/, shared/ and campaign/ sit below activities, workflows and the CLI (imports point down): move what they need into src/domain or src/shared.',
  },
];

const inputForbidden = [
  {
    regex: climbsInto(
      'campaign',
      'ovh',
      'shared',
      'activities',
      'workflows',
      'cli',
      'worker',
      'config',
      'temporal',
      'simulator',
      'observability',
    ),
    message:
      "src/input reads the operator's files for campaign/ and ovh/ alike, below both: it imports only src/domain and its own folder.",
  },
];

const activitiesForbidden = [
  {
    regex: climbsInto('workflows', 'cli', 'worker', 'simulator'),
    message:
      'Activities sit below workflows and the CLI (imports point down): move what both need into src/shared or src/domain.',
  },
];

const workflowForbidden = [
  { group: ['node:*'], message: 'Workflow code runs in the deterministic sandbox: no Node.js built-ins.' },
  {
    group: [
      'fs',
      'path',
      'os',
      'crypto',
      'http',
      'https',
      'net',
      'child_process',
      'dns',
      'tls',
      'stream',
      'zlib',
      'url',
    ],
    message: 'Workflow code runs in the deterministic sandbox: no Node.js built-ins.',
  },
  {
    group: [
      '@temporalio/activity',
      '@temporalio/client',
      '@temporalio/worker',
      '@temporalio/testing',
      '@temporalio/envconfig',
    ],
    message: 'Workflow code may import only @temporalio/workflow and @temporalio/common.',
  },
  {
    group: [
      '**/ovh',
      '**/ovh/**',
      '**/simulator',
      '**/simulator/**',
      '**/rehearsal/**',
      '**/cli/**',
      '**/config',
      '**/temporal/**',
      '@ovhcloud/*',
      'ovh',
    ],
    message: 'Workflow code may not reach I/O modules; pass values in the workflow input instead.',
  },
  {
    group: ['**/activities', '**/activities/*', '!**/activities/types'],
    message: 'Workflow code may import activity types only (import type ... from "../activities/types").',
    allowTypeImports: true,
  },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'lib/**', '.tools/**', '.data/**', 'coverage/**', 'schema/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // A workflow file a reader can hold in mind: the campaign's and the server's logic stay split by concern.
    files: ['src/workflows/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  // The catch-all first: a later entry for the same files replaces its options, so each list repeats it.
  ...[
    { files: ['src/**/*.ts'], patterns: [testkitForbidden] },
    { files: ['src/workflows/**/*.ts'], patterns: [...workflowForbidden, testkitForbidden] },
    { files: ['src/domain/**/*.ts'], patterns: domainForbidden },
    {
      files: ['src/ovh/**/*.ts', 'src/shared/**/*.ts', 'src/campaign/**/*.ts', 'src/rehearsal/**/*.ts'],
      patterns: [...lowerLayerForbidden, testkitForbidden],
    },
    { files: ['src/input/**/*.ts'], patterns: [...inputForbidden, testkitForbidden] },
    { files: ['src/activities/**/*.ts'], patterns: [...activitiesForbidden, testkitForbidden] },
  ].map(({ files, patterns }) => ({
    files,
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
    },
  })),
);
