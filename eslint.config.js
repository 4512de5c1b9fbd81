// Lint rules that protect the design: the policy code may not read the wall clock, randomness, timers,
// the network or Node built-ins — those come through the host (design.md, "The one rule").
import tseslint from 'typescript-eslint';

const hostOnly = 'come(s) through the host: plugins and the engine core stay deterministic (design.md)';

export default tseslint.config(
  // The scenario validator is ajv's generated code (npm run gen:schema), checked by a staleness test, not by hand.
  { ignores: ['node_modules/**', 'lab-ui/dist/**', 'test/artifacts/**', 'engine/scenario/schema-validator.generated.*'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['engine/**/*.ts'],
    ignores: ['engine/runtimes/proxy/**', 'engine/cli/**', 'engine/**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: `Time ${hostOnly}.` },
        { name: 'performance', message: `Time ${hostOnly}.` },
        { name: 'setTimeout', message: `Timers ${hostOnly}.` },
        { name: 'setInterval', message: `Timers ${hostOnly}.` },
        { name: 'setImmediate', message: `Timers ${hostOnly}.` },
        { name: 'queueMicrotask', message: `Scheduling ${hostOnly}.` },
        { name: 'fetch', message: `I/O ${hostOnly}.` },
        { name: 'process', message: `The process ${hostOnly}.` },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: `Randomness ${hostOnly}.` },
        { object: 'globalThis', property: 'fetch', message: `I/O ${hostOnly}.` },
        { object: 'globalThis', property: 'setTimeout', message: `Timers ${hostOnly}.` },
        { object: 'globalThis', property: 'Date', message: `Time ${hostOnly}.` },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^node:', message: `Node built-ins: I/O ${hostOnly}; engine/ must run in a browser.` }],
          paths: ['fs', 'path', 'http', 'https', 'net', 'os', 'child_process', 'crypto', 'undici', 'ioredis'],
        },
      ],
    },
  },
);
