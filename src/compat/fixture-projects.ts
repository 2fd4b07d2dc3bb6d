// compat-fixtures/: realistic v1 projects through the same pipeline as generated ones.
// Each project has input/ (the v1 tree), expected/ (the tree after migration) and
// expected-run.json (what its workflow does, identical under cloacina/legacy and migrated).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack, type PackagedWorkflow, type Runner } from 'cloacina';
import { importTree, LEGACY_URL } from './bundle-import.js';
import { outcomeOf } from './outcome.js';
import type { RunOutcome } from './program.js';
import { typecheckAgainstAuthoringApi } from '../typecheck.js';

/** The repository root, whether this module runs from src/ or from dist/src/. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'bin', 'cloacina-migrate.js'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cloacina-migrate repository root');
    dir = parent;
  }
  return dir;
}

const BIN = join(repositoryRoot(), 'bin', 'cloacina-migrate.js');

export interface ProjectRun {
  /** Every file of the migrated tree, by relative path. */
  migrated: Record<string, string>;
  /** The CLI's JSON report. */
  report: { files: Array<{ file: string; flags: Array<{ reason: string }> }>; summary: Record<string, number> };
  legacy: RunOutcome;
  /** The migrated workflow packed, registered and run; absent when its module was flagged. */
  migratedRun?: RunOutcome;
  typeErrors: string[];
}

export function listTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Copies input/ to `workDir`, migrates it with the CLI, runs both versions of its workflow. */
export async function runProject(projectDir: string, workDir: string, runner: Runner): Promise<ProjectRun> {
  const v1 = join(workDir, 'v1');
  const v2 = join(workDir, 'v2');
  mkdirSync(workDir, { recursive: true });
  cpSync(join(projectDir, 'input'), v1, { recursive: true });
  cpSync(join(projectDir, 'input'), v2, { recursive: true });
  const cli = spawnSync(process.execPath, [BIN, v2, '--force', '--json'], { encoding: 'utf8', cwd: v2 });
  if (cli.status !== 0 && cli.status !== 1) throw new Error(`cloacina-migrate failed on ${projectDir}: ${cli.stderr}`);
  const report = JSON.parse(cli.stdout) as ProjectRun['report'];

  const entry = join('src', 'workflow.ts');
  const legacyModule = await importTree(join(v1, entry), { cloacina: LEGACY_URL });
  const initial = legacyModule.initialContext as Record<string, never>;
  const legacy = outcomeOf(await (await runner.execute(legacyModule.default as PackagedWorkflow, initial)).result());

  const run: ProjectRun = { migrated: listTree(v2), report, legacy, typeErrors: [] };
  const workflowFlagged = report.files.some((f) => f.file === entry && f.flags.length > 0);
  if (!workflowFlagged) {
    const sources = Object.keys(run.migrated).filter((f) => f.startsWith('src/') && f.endsWith('.ts') && !f.endsWith('run.ts'));
    run.typeErrors = typecheckAgainstAuthoringApi(sources.map((f) => join(v2, f))).map((e) => `${relative(v2, e.file)}:${e.line}: ${e.message}`);
    const { archive, manifest } = await pack(join(v2, entry));
    await runner.registry.register(archive);
    run.migratedRun = outcomeOf(await (await runner.executePackage(manifest.package.name, manifest.package.version, initial)).result());
  }
  return run;
}
