import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one closing "N passed, N failed" line over all runs.
    reporters: ['default', ['json', { outputFile: process.env.VITEST_JSON_REPORT ?? '.vitest/results.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Real brokers and MM2 share two cores: run files one after another.
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 300_000,
          globalSetup: ['test/harness/global-setup.ts'],
        },
      },
    ],
  },
});
