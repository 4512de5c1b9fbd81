import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One project per kind of test (design.md, "Tests"): each runs in the environment it needs.
/**
 * Tests that compare against real time (verify on real sockets, the real nginx's limit_req) need the
 * CPU to themselves: a burst sent late under load lands in another window. They run in a second pass
 * (`GATELAB_REALTIME=1 vitest run`, see package.json's `test`), one file at a time.
 */
const realtimeOnly = process.env.GATELAB_REALTIME === '1';

const realtime = {
  test: {
    name: 'realtime',
    environment: 'node' as const,
    include: ['test/parity/verify.test.ts', 'test/nginx/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // A shared machine can still stall a burst now and then; one retry, and the report says the lag.
    retry: 1,
  },
};

export default defineConfig({
  test: {
    projects: realtimeOnly ? [realtime] : [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['engine/**/*.test.ts'],
          // fast-check properties run hundreds of cases; on a shared 2-core machine 5 s is not enough
          // headroom for the slow ones. A guard against hangs, not a speed assertion.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'proxy',
          environment: 'node',
          include: ['test/proxy/**/*.test.ts', 'test/parity/**/*.test.ts'],
          exclude: ['test/parity/verify.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          environment: 'node',
          include: ['test/scenarios/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/exercises/**/*.test.ts', 'test/docs/**/*.test.ts', 'test/semantics/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // Hostile input: the YAML entry, every config adapter and the scenario loader under fast-check
        // (bounded runs, seeds printed; FC_SEED replays one).
        test: {
          name: 'fuzz',
          environment: 'node',
          include: ['test/fuzz/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // The lab's derive functions and stores; runes in .svelte.ts files need the Svelte compiler.
        plugins: [svelte({ configFile: false })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'lab-ui',
          environment: 'jsdom',
          include: ['lab-ui/src/**/*.test.ts'],
        },
      },
      {
        // Real Chromium (Debian's, through playwright-core) against the built lab served on 127.0.0.1.
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
