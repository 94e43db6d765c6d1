// Flat ESLint config: type-aware TypeScript rules plus Nx module boundaries.
// The boundary rules are what keep the architecture honest: apps depend on libs,
// never on each other; `contracts` stays free of I/O; platform libs never reach
// into channel adapters. Tags live in each project's project.json.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = [
  'pg',
  'typeorm',
  'amqplib',
  'amqp-connection-manager',
  '@nestjs/*',
  'amazon-sp-api',
  'express',
  'node:*',
  'fs',
  'net',
  'http',
  'https',
];

const DEP_CONSTRAINTS = [
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts'],
    bannedExternalImports: IO_PACKAGES,
  },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  {
    sourceTag: 'type:channel',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:channel'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:channel'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:platform',
      'type:channel',
      'type:testing',
      'type:demo',
      'type:chaos',
    ],
  },
  // The fault-injection runner starts the services as processes and reads their databases.
  { sourceTag: 'type:chaos', onlyDependOnLibsWithTags: ['type:testing'] },
  // The start command's demo talks to the running system over HTTP only.
  { sourceTag: 'type:demo', onlyDependOnLibsWithTags: [] },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:channel', 'type:testing'],
  },
];

/** A library's own tests may use the test harness (a real broker, database, simulators). */
const TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.map((c) =>
  c.sourceTag === 'type:channel'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

export default tseslint.config(
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/tmp',
      '**/.nx',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: DEP_CONSTRAINTS,
        },
      ],
    },
  },
  {
    // Built-in modules are not in the Nx graph, so the boundary rule cannot ban them.
    files: ['libs/contracts/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'net', 'http', 'https', 'child_process', 'dgram', 'tls'],
              message: 'contracts must stay free of I/O',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests may use `any` for JSON bodies and matchers and reach for fixtures freely.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['libs/channels/*/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: TEST_DEP_CONSTRAINTS },
      ],
    },
  },
);
