import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Fixture projects hold test files of their own, which are inputs, not suites.
    exclude: ['**/node_modules/**', 'test/fixtures/**', 'compat-fixtures/**'],
    setupFiles: ['test/setup/fast-check.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep worker count modest so process-spawning suites do not starve.
    maxWorkers: 2,
  },
});
