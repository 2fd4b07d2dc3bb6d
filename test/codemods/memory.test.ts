// Memory per file is bounded: a large file is migrated in a process of its own whose
// migrating thread has a bounded heap. A file that needs more is reported as failed and the
// run goes on to its report; a file within the bound is migrated as usual.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cloacina-migrate.js', import.meta.url));
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A generated module over a megabyte long that moves its cloacina import. */
function largeModule(): string {
  const lines = ["const { task, Runner } = require('cloacina');"];
  for (let i = 0; i < 24_000; i++) lines.push(`exports.v${i} = [${i}, 'value ${i}', { k: ${i} }];`);
  return `${lines.join('\n')}\nexports.t = [task, Runner];\n`;
}

function run(heapMb: number) {
  return spawnSync(process.execPath, [BIN, '--force', '--json', '--workers', '1', '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CLOACINA_MIGRATE_FILE_HEAP_MB: String(heapMb) },
  });
}

describe('memory per file', () => {
  // Two runs over a megabyte of code: generous on a busy machine.
  it('reports a file that needs more than the bound and migrates the others', { timeout: 300_000 }, () => {
    dir = mkdtempSync(join(tmpdir(), 'memory-'));
    const large = largeModule();
    expect(large.length).toBeGreaterThan(1_000_000);
    writeFileSync(join(dir, 'large.cjs'), large);
    writeFileSync(join(dir, 'small.ts'), "import { task, Runner } from 'cloacina';\nexport const t = [task, Runner];\n");

    const tight = run(16);
    expect(tight.status, tight.stderr).toBe(1);
    const report = JSON.parse(tight.stdout) as { files: Array<{ file: string; status: string; error?: string }> };
    const failed = report.files.find((f) => f.file === 'large.cjs')!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/large\.cjs.*out of memory/);
    expect(readFileSync(join(dir, 'large.cjs'), 'utf8')).toBe(large);
    expect(report.files.find((f) => f.file === 'small.ts')!.status).toBe('changed');

    const roomy = run(512);
    expect(roomy.status, roomy.stderr).toBe(0);
    expect(readFileSync(join(dir, 'large.cjs'), 'utf8')).toBe(
      large.replace("const { task, Runner } = require('cloacina');", "const { Runner } = require('cloacina');\nconst { task } = require('cloacina-workflow');"),
    );
  });
});
