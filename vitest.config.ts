import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
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
