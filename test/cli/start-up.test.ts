// What the bundled command loads before it has read a file: the modules it imports
// statically. The transforms, the analysis and the manifest planner are imported only when a
// run needs them, so a run over a large tree without cloacina code never compiles them.
import { expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/cli/', import.meta.url));

/** The files `entry` loads, following static imports only, or static and dynamic ones. */
function loads(entry: string, dynamic: boolean): Map<string, string> {
  const found = new Map<string, string>();
  const next = [entry];
  for (let file = next.pop(); file !== undefined; file = next.pop()) {
    if (found.has(file)) continue;
    const text = readFileSync(CLI + file, 'utf8');
    found.set(file, text);
    for (const m of text.matchAll(/(?:^|\n)import\s*(?:[^;"'()]*?from\s*)?"\.\/([^"]+)";/g)) next.push(m[1]!);
    if (dynamic) for (const m of text.matchAll(/\bimport\("\.\/([^"]+)"\)/g)) next.push(m[1]!);
  }
  return found;
}

const LOADED_ON_NEED = ['function planRemovedMethods(', 'function planImports(', 'function transformSource(', 'async function planManifests('];

it('loads no transform, analysis or manifest planner before it finds a file to migrate', () => {
  const eager = [...loads('main.js', false).values()].join('\n');
  const all = [...loads('main.js', true).values()].join('\n');
  for (const code of LOADED_ON_NEED) {
    expect(all, `${code} is in the bundle`).toContain(code);
    expect(eager, `${code} is loaded at start-up`).not.toContain(code);
  }
});
