import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'web/dist', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The domain is transport-free (ARCHITECTURE.md §4.1): the linter enforces it.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['fastify*', '@fastify/*', 'kysely*', 'pg', 'better-sqlite3', 'ws', 'node:http', 'node:dgram', 'nodemailer', '*/api/*', '*/storage/*'] }],
    },
  },
  { files: ['src/cli/**/*.ts', 'src/main.ts', 'bench/**/*.ts', 'test/**/*.ts', 'src/**/*.test.ts', 'src/**/*-child.ts'], rules: { 'no-console': 'off' } },
);
