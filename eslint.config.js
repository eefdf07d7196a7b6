// Lint: mostly typescript-eslint's recommended set, plus the rule that keeps machines pure.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sideEffectModules = [
  'node:*', 'net', 'tls', 'fs', 'fs/*', 'child_process', 'http', 'https', 'crypto', 'os', 'timers', 'dgram',
  'smpp', '@nats-io/*', 'pino', 'fastify', 'prom-client', 'iconv-lite',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Machines are pure decision logic: no I/O, no clocks, no adapters (ARCHITECTURE.md §1).
    files: ['src/machines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: sideEffectModules, message: 'src/machines must stay pure: no module with side effects.' },
          { group: ['**/adapters/**', '**/actors/**', '**/main'], message: 'src/machines must not import adapters or actors.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'use named delays' }, { name: 'setInterval', message: 'use named delays' },
        { name: 'queueMicrotask', message: 'use named delays' }, { name: 'performance', message: 'no clock in machines' },
        { name: 'globalThis', message: 'no ambient globals in machines' }, { name: 'console', message: 'no logging in machines: emit an event' },
        { name: 'process', message: 'no process access in machines' }, { name: 'fetch', message: 'no I/O in machines' }],
      'no-restricted-syntax': ['error',
        { selector: 'ImportExpression', message: 'src/machines must stay pure: no dynamic import' },
        { selector: "NewExpression[callee.name='Date']", message: 'no clock in machines: time comes from delays or input' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'no clock in machines' },
        { object: 'Math', property: 'random', message: 'inject randomness through input' }],
    },
  },
);
