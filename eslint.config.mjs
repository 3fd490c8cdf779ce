// ESLint: typescript-eslint recommended everywhere, plus the workflow sandbox rule: code under
// src/workflows/ runs in Temporal's deterministic sandbox and may import only workflow-safe modules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: workflowForbidden }],
    },
  },
);
