// The cloacina command: pack and run, as a real child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeArchive } from 'cloacina';
import { CLI, FIXTURES, packHello, type Hello } from './packaging-helpers.js';

let hello: Hello;
let bundle: Uint8Array;
let dir: string;
beforeAll(async () => {
  hello = await packHello();
  ({ bundle, dir } = hello);
});
afterAll(() => hello.cleanup());

describe('cloacina CLI', () => {
  it('packs and runs a package, printing each task', () => {
    const out = join(dir, 'cli.cloacina');
    // Another working directory than the in-process pack: the bytes must not depend on it.
    const packed = execFileSync(process.execPath, [CLI, 'pack', join(FIXTURES, 'hello.ts'), '-o', out], { encoding: 'utf8', cwd: dir });
    expect(packed).toContain('packed hello-pkg@1.2.0 (2 tasks');
    expect(Buffer.compare(readFileSync(out), hello.archive)).toBe(0);
    const table = execFileSync(process.execPath, [CLI, 'run', out, '--db', join(dir, 'cli.db'), '--context', '{"name":"cli"}'], { encoding: 'utf8' });
    expect(table).toMatch(/^task\s+state\s+attempts\s+duration/m);
    expect(table).toMatch(/^shout\s+Completed\s+1\s+\d+ ms/m);
    const json = JSON.parse(execFileSync(process.execPath, [CLI, 'run', join(FIXTURES, 'hello.ts'), '--db', join(dir, 'cli.db'), '--json'], { encoding: 'utf8' }));
    expect(json.tasks.shout.output.loud).toBe('HELLO WORLD');
  });

  it('refuses a package file the registry would refuse, naming the file and both API versions', () => {
    const file = join(dir, 'major2.cloacina');
    const manifest = { ...hello.manifest, api: { name: 'cloacina-workflow', version: '2.0.0', range: '^2.0.0' } };
    writeFileSync(file, writeArchive(manifest, bundle));
    const run = spawnSync(process.execPath, [CLI, 'run', file, '--db', join(dir, 'major2.db')], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: package hello-pkg@1.2.0 needs cloacina-workflow ^2.0.0 (built with 2.0.0); this runtime provides 1.0.0`);
    expect(run.stdout).toBe('');
  });

  it('prints the version of its package.json with --version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const result = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('names a bad --context', () => {
    let stderr = '';
    try {
      execFileSync(process.execPath, [CLI, 'run', join(FIXTURES, 'hello.ts'), '--db', join(dir, 'x.db'), '--context', '[1]'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
      expect((error as { status: number }).status).toBe(2);
    }
    expect(stderr).toContain('--context: a context is a JSON object of keys to values');
  });
});
