// The listing outside a git repository (or inside a folder git ignores that was named
// explicitly): a walk of the folders that applies the .gitignore files it meets itself.
import ignore, { type Ignore } from 'ignore';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const NEVER = new Set(['node_modules', '.git']);

interface Rules {
  base: string;
  rules: Ignore;
}

function rulesIn(dir: string): Rules | undefined {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return undefined;
  return { base: dir, rules: ignore().add(readFileSync(file, 'utf8')) };
}

function ignored(path: string, isDir: boolean, stack: readonly Rules[]): boolean {
  for (const { base, rules } of stack) {
    const rel = relative(base, path).split(sep).join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    if (rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** The .gitignore files from the repository root (or filesystem root) down to `dir`. */
function ancestorsRules(dir: string): Rules[] {
  const chain: string[] = [];
  for (let current = dir; ; ) {
    chain.unshift(current);
    if (existsSync(join(current, '.git'))) break;
    const parent = resolve(current, '..');
    if (parent === current) break;
    current = parent;
  }
  return chain.slice(0, -1).map(rulesIn).filter((r): r is Rules => r !== undefined);
}

/**
 * Every file under `dir` that no .gitignore rule excludes, node_modules and .git never
 * entered; symbolic links are listed, not followed. A folder named explicitly is walked
 * even when an enclosing .gitignore ignores it; the rules inside it still apply.
 */
export function walkFiles(dir: string): string[] {
  const ancestors = ancestorsRules(dir);
  const found: string[] = [];
  walk(dir, ignored(dir, true, ancestors) ? [] : ancestors, found);
  return found;
}

function walk(dir: string, inherited: readonly Rules[], found: string[]): void {
  const entries = readdirSync(dir, { withFileTypes: true });
  // The listing says whether there is a .gitignore: no extra stat per folder.
  const own = entries.some((e) => e.name === '.gitignore') ? rulesIn(dir) : undefined;
  const stack = own ? [...inherited, own] : inherited;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (NEVER.has(entry.name) || ignored(path, true, stack)) continue;
      walk(path, stack, found);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && !ignored(path, false, stack)) {
      found.push(path);
    }
  }
}
