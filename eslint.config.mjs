import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'miniprogram/miniprogram_npm/', '.local-cloud/', 'artifacts/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // One import statement per module (a type-only one beside it is allowed: the mini-program needs those).
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }],
    },
  },
  {
    // The mini-program: WeChat DevTools compiles only miniprogram/, so shared/ may be imported for its types alone
    // (erased at compile time); a value import would be a missing file on the phone.
    files: ['miniprogram/**/*.ts'],
    ignores: ['miniprogram/**/__tests__/**'],
    languageOptions: {
      globals: { wx: 'readonly', Component: 'readonly', App: 'readonly', getCurrentPages: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/shared', '**/shared/**'],
              allowTypeImports: true,
              message: 'The mini-program may import only types from shared/ (use `import type`).',
            },
          ],
        },
      ],
    },
  },
);
