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
          name: 'scenarios',
          environment: 'node',
          include: ['test/scenarios/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
