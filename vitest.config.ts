import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One project per kind of test (design.md, "Tests"): each runs in the environment it needs.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['engine/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'proxy',
          environment: 'node',
          include: ['test/proxy/**/*.test.ts', 'test/parity/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          environment: 'node',
          include: ['test/scenarios/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        // Debian's real nginx, started by the test itself on 127.0.0.1, against the limit_req emulation.
        test: {
          name: 'nginx',
          environment: 'node',
          include: ['test/nginx/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
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
