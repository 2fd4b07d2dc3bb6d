#!/usr/bin/env node
// Builds each transform in codemods/ for stock jscodeshift
// (`jscodeshift -t node_modules/cloacina-migrate/dist/codemods/<name>.js`), without the rest
// of dist/: the whole transform bundled as CommonJS in <name>.cjs, and <name>.js (replacing
// tsc's output of that file) a three-line ES module over it with the same exports.
//
// Why two files: jscodeshift loads a transform with require() through @babel/register,
// which compiles an ES module to CommonJS, and Node then runs the result as an ES module
// whenever ESM-only syntax is left in it (the analysis uses import.meta.url). A CommonJS
// bundle runs the same under babel, under `--no-babel` and when imported. Its exports carry
// no __esModule flag, so Node and babel agree on what `import codemod from` gives.
// Packages stay external: they resolve from cloacina-migrate's own dependencies.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceOutputs } from './lib/replace-outputs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/codemods`;
// Every file directly in codemods/ is one transform, except the ordered index.
const names = readdirSync(`${root}codemods`)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -'.ts'.length));

const common = { absWorkingDir: root, bundle: true, platform: 'node', target: 'node20', packages: 'external', legalComments: 'none', logLevel: 'warning', write: false };

/** The names a transform module exports besides its default. */
async function namedExports(name) {
  const { metafile } = await build({ ...common, entryPoints: [`codemods/${name}.ts`], outdir, format: 'esm', metafile: true });
  return Object.values(metafile.outputs).flatMap((o) => o.exports ?? []).filter((e) => e !== 'default');
}

const outputs = [];
for (const name of names) {
  const named = await namedExports(name);
  const { outputFiles } = await build({
    ...common,
    stdin: {
      contents: `const { default: transform, ...named } = require('./codemods/${name}.ts');\nmodule.exports = { transform, ...named };\n`,
      resolveDir: root,
      sourcefile: `codemods/${name}.cjs`,
      loader: 'js',
    },
    outfile: `${outdir}/${name}.cjs`,
    format: 'cjs',
    // The module's own URL, for createRequire: __filename is always there in CommonJS.
    define: { 'import.meta.url': '__moduleUrl' },
    banner: { js: 'var __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  outputs.push(...outputFiles, {
    path: `${outdir}/${name}.js`,
    contents: new TextEncoder().encode(
      `// The ${name} transform (bundled in ${name}.cjs), as an ES module.\nimport codemod from './${name}.cjs';\n\nexport default codemod.transform;\n` +
        (named.length > 0 ? `export const { ${named.join(', ')} } = codemod;\n` : ''),
    ),
  });
}
// tsc writes the rest of this folder: nothing else is removed.
replaceOutputs(outputs, outdir, { isChunk: (path) => path.endsWith('.cjs'), owned: () => false });
