import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'cloacina-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A retry policy fast enough for tests. */
export const quickRetry = (maxAttempts: number, condition: 'allErrors' | 'transientOnly' | 'never' = 'allErrors') => ({
  maxAttempts,
  initialDelayMs: 1,
  maxDelayMs: 5,
  jitter: false,
  conditions: [{ type: condition }],
});
