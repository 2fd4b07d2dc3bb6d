import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep worker count modest so process-spawning suites do not starve.
    maxWorkers: 2,
  },
});
