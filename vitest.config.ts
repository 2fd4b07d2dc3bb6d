import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Fixture projects hold test files of their own, which are inputs, not suites.
    exclude: ['**/node_modules/**', 'test/fixtures/**', 'compat-fixtures/**'],
    // Type tests (*.test-d.ts) run through tsc on tsconfig.test.json, which also holds every
    // test file: a type error in any test fails the run.
    typecheck: {
      enabled: true,
      tsconfig: './tsconfig.test.json',
      include: ['test/**/*.test-d.ts', 'packages/*/test/**/*.test-d.ts'],
    },
    setupFiles: ['test/setup/fast-check.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep worker count modest so process-spawning suites do not starve.
    maxWorkers: 2,
  },
});
