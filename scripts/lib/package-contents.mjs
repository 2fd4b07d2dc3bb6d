// What a packed package must and must not hold: every file its package.json points at
// (bin, main, types, every exports target) and every file those load by a relative path,
// and nothing of tests, fixtures, sources or other packages.
import { posix } from 'node:path';

/** Files no published package of this repository ships. */
const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|fixtures|compat-fixtures|examples|scripts|src|packages|node_modules|\.ci)\//, 'a test, fixture, source, script or another package'],
  [/\.test(-d)?\.[cm]?[jt]sx?$/, 'a test file'],
  [/(?<!\.d)\.[cm]?tsx?$/, 'TypeScript source'],
  [/(^|\/)tsconfig[^/]*\.json$|\.tsbuildinfo$/, 'build configuration'],
  [/\.map$/, 'a source map of sources that are not shipped'],
  [/\.(tgz|db)$/, 'a build or run artefact'],
];

/** Every file a manifest points at, as { field, target } with "./" dropped; patterns keep their "*". */
export function pointedFiles(manifest) {
  const out = [];
  const add = (field, target) => {
    if (typeof target === 'string') out.push({ field, target: target.replace(/^\.\//, '') });
  };
  if (typeof manifest.bin === 'string') add('bin', manifest.bin);
  else for (const [name, target] of Object.entries(manifest.bin ?? {})) add(`bin.${name}`, target);
  add('main', manifest.main);
  add('module', manifest.module);
  add('types', manifest.types ?? manifest.typings);
  const walk = (field, value) => {
    if (typeof value === 'string') add(field, value);
    else if (Array.isArray(value)) value.forEach((v, i) => walk(`${field}[${i}]`, v));
    else if (value && typeof value === 'object') for (const [key, v] of Object.entries(value)) walk(`${field}[${JSON.stringify(key)}]`, v);
  };
  walk('exports', manifest.exports);
  return out;
}

function matches(target, files) {
  if (!target.includes('*')) return files.has(target);
  const [head, tail] = target.split('*');
  return [...files].some((f) => f.startsWith(head) && f.endsWith(tail) && f.length > head.length + tail.length);
}

// Relative specifiers of built JavaScript: static and dynamic imports, re-exports,
// require(), and files opened with new URL(..., import.meta.url).
const RELATIVE_LOAD = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\bnew URL\(\s*)(['"])(\.{1,2}\/[^'"]*?\.(?:[cm]?js|json|node))\1/g;

/** The package files a built module loads by a relative path, resolved from its own folder. */
export function relativeLoads(file, source) {
  return [...source.matchAll(RELATIVE_LOAD)].map((m) => ({ specifier: m[2], target: posix.normalize(posix.join(posix.dirname(file), m[2])) }));
}

/**
 * Problems of a packed file list (paths relative to the package root) against its
 * manifest: a pointed-at file that is missing, a file that one of those loads (followed
 * transitively) that is missing, a required file that is missing, a file that must not
 * ship. `read(file)` gives a packed file's text. An empty list means the contents are right.
 */
export function contentProblems(manifest, fileList, { required = [], read } = {}) {
  const files = new Set(fileList);
  const problems = [];
  const entries = [];
  for (const { field, target } of pointedFiles(manifest)) {
    if (!matches(target, files)) problems.push(`${field} points at ${target}, which the package does not contain`);
    else if (/\.[cm]?js$/.test(target)) entries.push(...(target.includes('*') ? [...files].filter((f) => matches(target, new Set([f]))) : [target]));
  }
  // Required JavaScript is loaded by its path (a jscodeshift transform, say): follow it too.
  entries.push(...required.filter((file) => /\.[cm]?js$/.test(file) && files.has(file)));
  if (read) {
    const queue = [...new Set(entries)];
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      const file = queue[i];
      for (const { specifier, target } of relativeLoads(file, read(file))) {
        if (!files.has(target)) problems.push(`${file} loads ${specifier}, which the package does not contain`);
        else if (/\.[cm]?js$/.test(target) && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }
  for (const file of required) if (!files.has(file)) problems.push(`${file} is missing`);
  for (const file of fileList) {
    const rule = FORBIDDEN.find(([pattern]) => pattern.test(file));
    if (rule) problems.push(`${file} must not ship (${rule[1]})`);
  }
  return problems;
}
