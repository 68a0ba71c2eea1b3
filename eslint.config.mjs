import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'data',
      'node_modules',
      'coverage',
      'bench/**/*.js',
      'connectors/**/*.media.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  // The console's one browser script runs in the page, not in Node.
  {
    files: ['templates/console/assets/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        DOMParser: 'readonly',
        setInterval: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The one-way flow of DESIGN.md, enforced: the core reaches vendors only through the
  // contract and the registry; a vendor never reaches into the core; only correlation decides,
  // and it tells incidents, which alone write the outbox.
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/connectors/*',
                '**/connectors/*/**',
                '!**/connectors/contract',
                '!**/connectors/contract/**',
                '!**/connectors/registry',
                '!**/connectors/shared/http',
              ],
              message:
                'The core reaches vendors only through connectors/contract and the registry.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src/**', '**/test/**'], message: 'A connector never imports the core.' },
          ],
        },
      ],
    },
  },
  {
    files: [
      'src/incidents/**/*.ts',
      'src/inventory/**/*.ts',
      'src/ingest/**/*.ts',
      'src/outbox/**/*.ts',
      'src/connector-instances/**/*.ts',
      'src/rendering/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/correlation/**', '**/correlation'],
              message: 'Only correlation decides; it calls these features, never the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/correlation/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/outbox/**'],
              message: 'Correlation never writes the outbox: the incident lifecycle does.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
