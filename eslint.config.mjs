import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  prettier,
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '.data', 'coverage'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // apps never import apps; they share only libs
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
            // contracts are plain classes other programs can use: no Nest, no mongoose, no other lib
            {
              sourceTag: 'scope:contracts',
              onlyDependOnLibsWithTags: ['scope:contracts'],
              bannedExternalImports: [
                '@nestjs/*',
                'mongoose',
                'mongodb',
                'amqplib',
                'amqp-connection-manager',
              ],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Services speak to the database only through named repository methods (libs/persistence): no Mongo
    // operator keys and no mongoose model under apps/. Tests may send hostile input such as {"$ne": ...}
    // and drive AWS clients directly.
    files: ['apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.integration-spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Property > Identifier.key[name=/^\\$/]',
          message: 'Mongo operators belong in libs/persistence: add a named repository method.',
        },
        {
          selector: 'Property > Literal.key[value=/^\\$/]',
          message: 'Mongo operators belong in libs/persistence: add a named repository method.',
        },
        {
          selector: "MemberExpression > Identifier.property[name='model']",
          message: 'No mongoose model under apps/: use a repository method.',
        },
      ],
      // ... and to AWS only through libs/marketplace's gateways, in the project's own types.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*'],
              message:
                'AWS belongs in libs/marketplace: add a gateway method that speaks the project’s types.',
            },
          ],
        },
      ],
    },
  },
  {
    // tests and test helpers: assertions on shapes they just checked
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'libs/testing/**/*.ts',
      'libs/*/src/testing/**/*.ts',
      'tools/*/src/testing/**/*.ts',
    ],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
