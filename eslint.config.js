// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'csp-report/**', 'dist/**', 'fixtures/**', '.scratch/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // src/policy/ is the pure CSP model: no node, no browsers, no network.
    files: ['src/policy/**/*.ts'],
    ignores: ['src/policy/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^node:', message: 'src/policy/ is pure: no node modules.' },
          { regex: '^(fs|path|os|http|https|net|tls|crypto|child_process|url|stream|events|util|dns|zlib|worker_threads)(/.*)?$', message: 'src/policy/ is pure: no node modules.' },
          { regex: '^(playwright|playwright-core|mockttp|http-server|p-limit)(/.*)?$', message: 'src/policy/ is pure: no browsers, servers or runners.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'src/policy/ is pure: no network.' }, { name: 'process', message: 'src/policy/ is pure: no process.' }],
    },
  },
  {
    // Reporters are pure functions of the report model: no node, nothing of src/ but the shared vocabulary.
    files: ['src/reporters/**/*.ts'],
    ignores: ['src/reporters/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^node:', message: 'src/reporters/ is pure: no node modules (the CLI writes files).' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/reporters/ is pure: no process.' }],
    },
  },
);
