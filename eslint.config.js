import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'gig-demo/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The ledger is asynchronous (it may be a shared PostgreSQL): a write nobody awaits is a
    // decision that may be lost or land after the answer that claims it was recorded.
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error', '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }] },
  },
  {
    // The inner layers stay free of SDKs and I/O (DESIGN §3); test/architecture.test.ts checks the same.
    files: ['src/engine/**/*.ts', 'src/commands/**/*.ts', 'src/views/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@slack/*', 'botbuilder*', '@octokit/*', 'jira.js', 'better-sqlite3'], message: 'engine, commands and views import no SDK (DESIGN §3).' },
            { group: ['**/store/*', '**/sources/*', '**/bot/*', '**/cli/*'], message: 'depend on the interfaces in engine/ports.ts instead.' },
          ],
        },
      ],
    },
  },
);
