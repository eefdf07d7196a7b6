// Lint: typescript-eslint's recommended set, the layer rules (which room may import which, and only
// through its front door), and the rule that keeps machines pure. docs/architecture.md explains them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';

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
    // Layers (docs/architecture.md): which room may import which, and only through its front door.
    // A room is a folder of src/ (adapters and actors have one room per subfolder); a file directly in
    // src/ or src/adapters/ is a room of its own. New folders need no change here: src/<name>/ is a
    // `tool` (simulator, CLI, console...), src/adapters/<name>/ an adapter, src/actors/<name>/ actors.
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'boundaries/elements': [
        { type: 'config', pattern: 'src/config' },
        { type: 'domain', pattern: 'src/domain' },
        { type: 'machines', pattern: 'src/machines' },
        { type: 'adapter', pattern: 'src/adapters/*.ts', mode: 'file', capture: ['file'] },
        { type: 'adapter', pattern: 'src/adapters/*', capture: ['name'] },
        { type: 'actors', pattern: 'src/actors/*', capture: ['room'] },
        { type: 'actors', pattern: 'src/actors' },
        { type: 'app', pattern: 'src/*.ts', mode: 'file' },
        { type: 'tool', pattern: 'src/*', capture: ['name'] },
      ],
    },
    rules: {
      'boundaries/element-types': ['error', {
        default: 'disallow',
        message: 'a file in ${file.type} may not import ${dependency.type} (layers: docs/architecture.md)',
        rules: [
          // config is the bottom layer: the schemas of what operators configure import nothing of ours
          { from: 'domain', allow: ['config'] },
          { from: 'machines', allow: ['config', 'domain'] },
          // an adapter owns one kind of I/O and knows no other adapter (HTTP knows nothing of NATS)
          // nor any actor: the ports it implements or calls live in src/domain
          { from: 'adapter', allow: ['config', 'domain'] },
          { from: 'actors', allow: ['config', 'domain', 'machines', 'adapter', 'actors'] },
          { from: 'tool', allow: ['config', 'domain', 'machines', 'adapter', 'actors', ['tool', { name: '${from.name}' }]] },
          // the CLI (`byo-smpp simulator`) and the demo run the SMSC simulator; no other tool imports another
          { from: [['tool', { name: 'cli' }], ['tool', { name: 'demo' }]], allow: [['tool', { name: 'simulator' }]] },
          { from: 'app', allow: ['config', 'domain', 'machines', 'adapter', 'actors', 'tool', 'app'] },
        ],
      }],
      'boundaries/entry-point': ['error', {
        default: 'disallow',
        message: 'import ${dependency.type} through its front door (index.ts), not ${dependency.internalPath} (docs/architecture.md)',
        rules: [
          { target: ['*'], allow: 'index.ts' },
          // a one-file room is its own front door
          { target: ['app', ['adapter', { file: '*' }]], allow: '*.ts' },
        ],
      }],
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
  {
    // The web console's browser modules (src/console/public): served as they are, run in the browser.
    files: ['src/console/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    // One place settles a JetStream message (STYLE.md habit 6): settleMt, driven by the MT outcome
    // catalogue (src/domain/mt-outcome.ts). Machines are left to their own rule set (they import no
    // JetStream at all); test/lint/mt-settlement.test.ts shows this rule bites.
    files: ['src/**/*.ts'],
    ignores: ['src/adapters/nats/mt-settlement.ts', 'src/machines/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(ack|nak|term|working)$/]",
        message: 'settle JetStream messages only through settleMt (src/adapters/nats/mt-settlement.ts) with an MtOutcome',
      }],
    },
  },
);
