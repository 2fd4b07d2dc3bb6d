// The package.json edits of a migration, for every package of the tree that depends on
// cloacina v1: in each dependency section, cloacina-workflow is added (same section, same
// range style) and cloacina moves to v2, or goes when the package no longer needs the
// runtime; `overrides`, `resolutions` and `pnpm.overrides` pins follow; a pnpm `catalog:`
// range is edited in pnpm-workspace.yaml. Every edit is a splice of one value; whatever
// cannot be edited faithfully is listed for a hand edit, never guessed.
import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mayNameRuntime } from './mentions.js';
import { dirname, join } from 'node:path';
import { isInside, isMigratable } from '../files/discover.js';
import { member, parseJsonText, plain, JsonTextError, type JsonMember, type JsonNode, type JsonObject } from './json-text.js';
import { catalogEntries, yamlKey, yamlScalar, YamlShapeError, type YamlEntry } from './pnpm-workspace.js';
import { classifyRange, restyle } from './ranges.js';
import { applySplices, insertAfter, removeMember, renameMember, replaceValue, type Splice } from './splice.js';
import { isRelative, Resolver, scanSpecifiers } from '../analysis/resolve.js';
import { namesRuntime, scriptsCallingCloacina, v1Uses } from './usage.js';
import { TARGET_AUTHORING_VERSION, TARGET_RUNTIME_VERSION } from './versions.js';
import { packageNames, workspaceOf } from './workspace.js';

const SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
const RUNTIME = 'cloacina';
const AUTHORING = 'cloacina-workflow';

/** What the run did to one source file, as far as package.json edits care. */
export interface SourceOutcome {
  file: string;
  status: 'changed' | 'unchanged' | 'skipped' | 'failed' | 'not-written';
  usesRuntime: boolean;
}

export interface ManifestChange {
  /** The edited entry: `dependencies.cloacina`, `pnpm.overrides.cloacina`, `catalog.cloacina`. */
  key: string;
  /** The range before; absent for an added entry. */
  from?: string;
  /** The range after; absent for a removed entry. */
  to?: string;
}

export interface ManifestNote {
  key?: string;
  message: string;
}

/** One file to edit (a package.json or a pnpm-workspace.yaml), or to report on. */
export interface ManifestPlan {
  file: string;
  before: string;
  after: string;
  changes: ManifestChange[];
  /** What is left for a hand edit. */
  review: ManifestNote[];
}

export interface PlanInput {
  /** Every package.json of the run (each one a package boundary). */
  manifests: readonly string[];
  results: readonly SourceOutcome[];
  /** The given paths, as real paths. */
  roots: readonly string[];
  /** Every file under a folder, as the run's discovery would list it. */
  filesUnder(dir: string): Promise<string[]>;
}

/** The innermost of `packageDirs` that contains `file` (walks up the folders: no scan of all packages). */
export function owningPackage(file: string, packageDirs: ReadonlySet<string>): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (packageDirs.has(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

interface Facts {
  /** The package still needs the runtime package after this run. */
  usesRuntime: boolean;
  /** Why the runtime is kept, when a script calls it. */
  scripts: string[];
  /** Files of the package that were not migrated and still use v1, with what they use. */
  v1Files: Array<{ file: string; uses: string[] }>;
}

interface Manifest {
  file: string;
  dir: string;
  text: string;
  root: JsonObject;
  plan: ManifestPlan;
  splices: Splice[];
  /** Sections this plan adds cloacina-workflow to. */
  adds: Set<string>;
}

interface Dependency {
  section: (typeof SECTIONS)[number];
  object: JsonObject;
  index: number;
  member: JsonMember;
  range: string;
}

const readLoose = (file: string) => {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
};

export async function planManifests(input: PlanInput): Promise<ManifestPlan[]> {
  const dirs = new Set(input.manifests.map((m) => dirname(m)));
  const covered = (dir: string) => input.roots.some((root) => isInside(dir, root));
  const byPackage = new Map<string, SourceOutcome[]>();
  for (const r of input.results) {
    // A file that never mentions cloacina tells nothing about the package's needs.
    if (r.status === 'skipped') continue;
    const owner = owningPackage(r.file, dirs);
    if (owner === undefined) continue;
    const own = byPackage.get(owner);
    if (own === undefined) byPackage.set(owner, [r]);
    else own.push(r);
  }

  const plans: ManifestPlan[] = [];
  const manifests: Manifest[] = [];
  const seenFiles = new Set<string>();
  for (const file of input.manifests) {
    // A package.json linked to another one of the run is planned (and written) once.
    const real = realpathSync(file);
    if (seenFiles.has(real)) continue;
    seenFiles.add(real);
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    if (!mayNameRuntime(text)) continue;
    const plan: ManifestPlan = { file, before: text, after: text, changes: [], review: [] };
    plans.push(plan);
    if (!isUtf8(bytes)) {
      // Decoded, its other bytes would come back as U+FFFD: never rewritten.
      plan.review.push({ message: 'not valid UTF-8 (another encoding?); npm reads package.json as UTF-8: convert it, then edit it by hand or run again' });
      continue;
    }
    let root: JsonNode;
    try {
      root = parseJsonText(text);
    } catch (error) {
      if (!(error instanceof JsonTextError)) throw error;
      plan.review.push({ message: `not valid JSON (${error.message}); edit it by hand` });
      continue;
    }
    if (root.kind !== 'object') {
      plan.review.push({ message: 'not a JSON object' });
      continue;
    }
    const twice = duplicateSections(root);
    if (twice.length > 0) {
      // npm reads only the last of them: which one the user meant is a hand decision.
      for (const key of twice) plan.review.push({ key, message: `${key} is given twice (npm reads only the last); keep one, then run again` });
      continue;
    }
    manifests.push({ file, dir: dirname(file), text, root, plan, splices: [], adds: new Set() });
  }

  const listed = new Set(input.results.map((r) => r.file));
  const facts = new Map<string, Facts>();
  const factsOf = async (m: Manifest): Promise<Facts> => {
    const known = facts.get(m.dir);
    if (known) return known;
    const own = byPackage.get(m.dir) ?? [];
    const scripts = scriptsCallingCloacina(plain(member(m.root, 'scripts')?.value ?? { kind: 'literal', start: 0, end: 0, value: 'null' }));
    // An override `"$cloacina"` refers to the package's own cloacina entry: removing it would
    // leave the reference dangling (npm then refuses to install).
    let usesRuntime = scripts.length > 0 || referencesRuntime(m.root) || own.some((r) => r.usesRuntime || r.status === 'failed' || r.status === 'not-written');
    const v1Files: Facts['v1Files'] = [];
    const checked = new Set<string>();
    const check = (file: string) => {
      if (checked.has(file)) return '';
      checked.add(file);
      const text = readLoose(file);
      const uses = v1Uses(text);
      if (uses.length > 0) v1Files.push({ file, uses });
      return text;
    };
    // Files the run left as they were still hold their v1 code.
    for (const r of own) if (r.status === 'failed' || r.status === 'not-written') check(r.file);
    // Files of the package outside the given paths were not migrated at all.
    if (!covered(m.dir)) {
      for (const file of await input.filesUnder(m.dir)) {
        if (!isMigratable(file) || input.roots.some((root) => isInside(file, root)) || owningPackage(file, dirs) !== m.dir) continue;
        if (namesRuntime(check(file))) usesRuntime = true;
      }
    }
    // Modules the package's code imports that the run did not list (ignored by .gitignore,
    // such as generated code, or outside the given paths): the migrated code runs them.
    for (const file of unlistedImports(own, listed)) check(file);
    const result = { usesRuntime, scripts, v1Files };
    facts.set(m.dir, result);
    return result;
  };
  const held = (f: Facts) => f.v1Files.length > 0;

  // Dependency sections first: they decide which packages are held at v1.
  const yamlPlans = new Map<string, { plan: ManifestPlan; splices: Map<string, Splice> }>();
  const catalogJobs: Array<() => void> = [];
  for (const m of manifests) {
    const deps = dependencies(m);
    reportAliases(m);
    if (deps.length === 0) continue;
    const f = await factsOf(m);
    if (held(f) && deps.some((d) => classifyRange(d.range).kind !== 'v2')) {
      m.plan.review.push({
        key: RUNTIME,
        message:
          `cloacina stays at v1: files of this package that this run did not migrate still use v1: ${describeFiles(f.v1Files)}; ` +
          'migrate them too (or run on the whole package)',
      });
    }
    for (const d of deps) sectionEdit(m, d, f, catalogJobs, yamlPlans, covered, manifests, facts);
  }
  for (const job of catalogJobs) job();
  for (const m of manifests) await overrideEdits(m, covered, manifests, factsOf, facts);
  for (const m of manifests) {
    bundledEdits(m);
    patchNotes(m);
  }

  for (const m of manifests) m.plan.after = applySplices(m.text, m.splices);
  for (const { plan, splices } of yamlPlans.values()) {
    plan.after = applySplices(plan.before, [...splices.values()]);
    plans.push(plan);
  }
  return plans;
}

/**
 * `bundleDependencies` names packages of `dependencies`: when cloacina leaves that section,
 * its entry there becomes cloacina-workflow (npm refuses to pack a bundled name that is no
 * dependency).
 */
function bundledEdits(m: Manifest): void {
  if (!m.plan.changes.some((c) => c.key === `dependencies.${RUNTIME}` && c.to === undefined)) return;
  for (const section of ['bundleDependencies', 'bundledDependencies']) {
    const list = member(m.root, section)?.value;
    if (list?.kind !== 'array') continue;
    const names = list.items.map((item) => (item.kind === 'string' ? item.value : undefined));
    const index = names.indexOf(RUNTIME);
    if (index === -1) continue;
    if (names.includes(AUTHORING)) {
      m.plan.review.push({ key: section, message: `${section} still names cloacina, which this run removed from dependencies; remove it by hand` });
      continue;
    }
    m.splices.push(replaceValue(list.items[index]!, AUTHORING));
    m.plan.changes.push({ key: `${section}[${index}]`, from: RUNTIME, to: AUTHORING });
  }
}

/** A pnpm patch of cloacina v1 does not apply once cloacina moves to v2 or goes (pnpm then refuses to install). */
function patchNotes(m: Manifest): void {
  if (!m.plan.changes.some((c) => SECTIONS.some((section) => c.key === `${section}.${RUNTIME}`))) return;
  const patches = member(member(m.root, 'pnpm')?.value, 'patchedDependencies')?.value;
  if (patches?.kind !== 'object') return;
  for (const x of patches.members) {
    if (x.key !== RUNTIME && !x.key.startsWith(`${RUNTIME}@`)) continue;
    const key = `pnpm.patchedDependencies.${x.key}`;
    m.plan.review.push({ key, message: `${key} patches cloacina v1, which this run moves to v2 or removes; rework the patch for v2, or drop it, by hand` });
  }
}

/** The sections this tool reads (dependencies, pins, scripts) that the manifest names more than once. */
function duplicateSections(root: JsonObject): string[] {
  const read = new Set<string>([...SECTIONS, 'peerDependenciesMeta', 'overrides', 'resolutions', 'pnpm', 'scripts']);
  const twice = (object: JsonObject, keys: ReadonlySet<string>, prefix: string) =>
    [...new Set(object.members.map((x) => x.key).filter((key, i, all) => keys.has(key) && all.indexOf(key) !== i))].map((key) => prefix + key);
  const pnpm = member(root, 'pnpm')?.value;
  return [...twice(root, read, ''), ...(pnpm?.kind === 'object' ? twice(pnpm, new Set(['overrides']), 'pnpm.') : [])];
}

function describeFiles(files: ReadonlyArray<{ file: string; uses: string[] }>): string {
  const shown = files.slice(0, 8).map((f) => `${f.file} (${f.uses.join(', ')})`);
  return shown.join(', ') + (files.length > shown.length ? ` and ${files.length - shown.length} more` : '');
}

function dependencies(m: Manifest): Dependency[] {
  const found: Dependency[] = [];
  for (const section of SECTIONS) {
    const object = member(m.root, section)?.value;
    if (object?.kind !== 'object') continue;
    const index = object.members.findLastIndex((x) => x.key === RUNTIME);
    if (index === -1) continue;
    const dep = object.members[index]!;
    if (object.members.filter((x) => x.key === RUNTIME).length > 1) {
      m.plan.review.push({ key: `${section}.${RUNTIME}`, message: `${section} names cloacina twice; keep one` });
      continue;
    }
    if (dep.value.kind !== 'string') {
      m.plan.review.push({ key: `${section}.${RUNTIME}`, message: `${section}.cloacina is not a string` });
      continue;
    }
    found.push({ section, object, index, member: dep, range: dep.value.value });
  }
  return found;
}

/** Other names for cloacina (`"c1": "npm:cloacina@^1"`): the imports of that name are not migrated. */
function reportAliases(m: Manifest): void {
  for (const section of SECTIONS) {
    const object = member(m.root, section)?.value;
    if (object?.kind !== 'object') continue;
    for (const x of object.members) {
      if (x.key !== RUNTIME && x.value.kind === 'string' && /^npm:cloacina@/.test(x.value.value)) {
        m.plan.review.push({ key: `${section}.${x.key}`, message: `${section}.${x.key} is ${JSON.stringify(x.value.value)}, an alias of cloacina whose imports are not migrated; migrate it by hand` });
      }
    }
  }
}

/** True when the package already depends on cloacina-workflow where `d` would add it. */
function hasAuthoring(d: Dependency, m: Manifest): boolean {
  if (d.object.members.some((x) => x.key === AUTHORING)) return true;
  if (d.section === 'peerDependencies') return false;
  // A package needs one of dependencies, devDependencies, optionalDependencies, not two.
  return SECTIONS.filter((s) => s !== 'peerDependencies').some((s) => {
    const object = member(m.root, s)?.value;
    return m.adds.has(s) || (object?.kind === 'object' && object.members.some((x) => x.key === AUTHORING));
  });
}

type Covered = (dir: string) => boolean;
type YamlPlans = Map<string, { plan: ManifestPlan; splices: Map<string, Splice> }>;

/** The packages under `dir` that this run holds at v1. */
function heldUnder(dir: string, manifests: readonly Manifest[], facts: ReadonlyMap<string, Facts>): Manifest[] {
  return manifests.filter((m) => isInside(m.dir, dir) && (facts.get(m.dir)?.v1Files.length ?? 0) > 0);
}

function sectionEdit(
  m: Manifest,
  d: Dependency,
  f: Facts,
  catalogJobs: Array<() => void>,
  yamlPlans: YamlPlans,
  covered: Covered,
  manifests: readonly Manifest[],
  facts: ReadonlyMap<string, Facts>,
): void {
  const key = `${d.section}.${RUNTIME}`;
  const kind = classifyRange(d.range);
  const has = hasAuthoring(d, m);
  let authoring: string | undefined;
  let runtime: string | undefined;
  switch (kind.kind) {
    case 'v2':
      return;
    case 'manual':
      m.plan.review.push({ key, message: `${key} is ${JSON.stringify(d.range)} (${kind.why}); edit it by hand` });
      return;
    case 'catalog':
      if (has) return;
      // After every package's own edits: whether the catalog may change depends on them all.
      catalogJobs.push(() => catalogEdit(m, d, kind.name, f, yamlPlans, covered, manifests, facts));
      return;
    case 'workspace': {
      if (has) return;
      if (!['*', '^', '~'].includes(kind.spec)) {
        m.plan.review.push({ key, message: `${key} is ${JSON.stringify(d.range)}; edit it by hand` });
        return;
      }
      const workspace = workspaceOf(m.dir);
      if (workspace === undefined || !packageNames(workspace).has(AUTHORING)) {
        m.plan.review.push({ key, message: `${key} is ${JSON.stringify(d.range)}, but the workspace has no cloacina-workflow package; add cloacina-workflow by hand` });
        return;
      }
      authoring = d.range;
      runtime = d.range;
      break;
    }
    case 'v1':
      authoring = restyle(d.range, TARGET_AUTHORING_VERSION);
      runtime = restyle(d.range, TARGET_RUNTIME_VERSION);
      if (authoring === undefined || runtime === undefined) {
        m.plan.review.push({ key, message: `${key} is ${JSON.stringify(d.range)}, a range style this tool does not rewrite; set cloacina-workflow ^${TARGET_AUTHORING_VERSION} (and cloacina ^${TARGET_RUNTIME_VERSION} if still needed) by hand` });
        return;
      }
      break;
    case 'both':
      if (has) return;
      authoring = `^${TARGET_AUTHORING_VERSION}`;
      runtime = d.range;
      break;
  }
  if (f.v1Files.length > 0) runtime = d.range;
  moveDependency(m, d, has, f.v1Files.length > 0 || f.usesRuntime, authoring, runtime);
}

/** The splices for one section: cloacina to `runtime` (or gone) and cloacina-workflow `authoring` beside it. */
function moveDependency(m: Manifest, d: Dependency, has: boolean, keep: boolean, authoring: string, runtime: string): void {
  const key = `${d.section}.${RUNTIME}`;
  const added = { key: `${d.section}.${AUTHORING}`, to: authoring };
  if (keep) {
    if (runtime !== d.range) {
      m.splices.push(replaceValue(d.member.value, runtime));
      m.plan.changes.push({ key, from: d.range, to: runtime });
    }
    if (!has) {
      m.splices.push(...insertAfter(m.text, d.member, AUTHORING, JSON.stringify(authoring)));
      m.plan.changes.push(added);
      m.adds.add(d.section);
    }
  } else if (!has) {
    m.splices.push(renameMember(m.text, d.member, AUTHORING, authoring));
    m.plan.changes.push({ key, from: d.range }, added);
    m.adds.add(d.section);
  } else {
    m.splices.push(removeMember(m.text, d.object, d.index));
    m.plan.changes.push({ key, from: d.range });
  }
  if (d.section === 'peerDependencies' && !has) peerMeta(m, keep);
}

/** `peerDependenciesMeta.cloacina` (optional: true) follows the peer to cloacina-workflow. */
function peerMeta(m: Manifest, keep: boolean): void {
  const meta = member(m.root, 'peerDependenciesMeta')?.value;
  if (meta?.kind !== 'object') return;
  const entry = member(meta, RUNTIME);
  if (entry === undefined || meta.members.some((x) => x.key === AUTHORING)) return;
  const key = `peerDependenciesMeta.${AUTHORING}`;
  const value = m.text.slice(entry.value.start, entry.value.end);
  if (keep) {
    m.splices.push(...insertAfter(m.text, entry, AUTHORING, value));
    m.plan.changes.push({ key, to: value });
  } else {
    m.splices.push({ start: entry.keyStart, end: entry.keyEnd, text: JSON.stringify(AUTHORING) });
    m.plan.changes.push({ key: `peerDependenciesMeta.${RUNTIME}`, from: value }, { key, to: value });
  }
}

function findUp(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, name))) return join(current, name);
    if (existsSync(join(current, '.git')) || dirname(current) === current) return undefined;
  }
}

function catalogEdit(m: Manifest, d: Dependency, name: string, f: Facts, yamlPlans: YamlPlans, covered: Covered, manifests: readonly Manifest[], facts: ReadonlyMap<string, Facts>): void {
  const key = `${d.section}.${RUNTIME}`;
  const review = (message: string) => m.plan.review.push({ key, message: `${key} is ${JSON.stringify(d.range)}: ${message}` });
  const yamlFile = findUp(m.dir, 'pnpm-workspace.yaml');
  if (yamlFile === undefined) return void review('no pnpm-workspace.yaml above it holds that catalog; edit it by hand');
  const yamlBytes = readFileSync(yamlFile);
  if (!isUtf8(yamlBytes)) return void review(`${yamlFile} is not valid UTF-8; edit the catalog by hand`);
  const yaml = yamlPlans.get(yamlFile)?.plan.before ?? yamlBytes.toString('utf8');
  let catalog: { path: string; entries: YamlEntry[] } | undefined;
  try {
    catalog = catalogEntries(yaml, name);
  } catch (error) {
    if (!(error instanceof YamlShapeError)) throw error;
    return void review(`${yamlFile} ${error.message}; edit the catalog by hand`);
  }
  const entry = catalog?.entries.find((e) => e.key === RUNTIME);
  if (catalog === undefined || entry === undefined) return void review(`the catalog "${name}" in ${yamlFile} has no cloacina entry; edit it by hand`);
  const kind = classifyRange(entry.value);
  if (kind.kind === 'v2') return;
  const authoring = kind.kind === 'v1' ? restyle(entry.value, TARGET_AUTHORING_VERSION) : kind.kind === 'both' ? `^${TARGET_AUTHORING_VERSION}` : undefined;
  const runtime = kind.kind === 'v1' ? restyle(entry.value, TARGET_RUNTIME_VERSION) : entry.value;
  if (authoring === undefined || runtime === undefined) return void review(`the catalog gives cloacina ${JSON.stringify(entry.value)}, which this tool does not rewrite; edit the catalog by hand`);
  if (f.v1Files.length > 0) return void review('the package still uses v1 (see above), so its catalog entry stays; edit it when it is migrated');
  const workspaceDir = dirname(yamlFile);
  const heldPackages = heldUnder(workspaceDir, manifests, facts);
  if (!covered(workspaceDir) || heldPackages.length > 0) {
    return void review(
      `the catalog "${name}" in ${yamlFile} is shared by every package of the workspace, and ` +
        (heldPackages.length > 0 ? `${heldPackages.map((h) => h.file).join(', ')} still use${heldPackages.length === 1 ? 's' : ''} v1` : 'this run did not cover the whole workspace') +
        `; migrate the whole workspace (run on ${workspaceDir}) or edit the catalog by hand`,
    );
  }
  let target = yamlPlans.get(yamlFile);
  if (target === undefined) {
    target = { plan: { file: yamlFile, before: yaml, after: yaml, changes: [], review: [] }, splices: new Map() };
    yamlPlans.set(yamlFile, target);
  }
  const catalogKey = catalog.path;
  if (runtime !== entry.value && !target.splices.has(`${name}:${RUNTIME}`)) {
    target.splices.set(`${name}:${RUNTIME}`, { start: entry.valueStart, end: entry.valueEnd, text: yamlScalar(runtime, entry.quote) });
    target.plan.changes.push({ key: `${catalogKey}.${RUNTIME}`, from: entry.value, to: runtime });
  }
  if (!catalog.entries.some((e) => e.key === AUTHORING) && !target.splices.has(`${name}:${AUTHORING}`)) {
    const eol = yaml.includes('\r\n') ? '\r\n' : '\n';
    target.splices.set(`${name}:${AUTHORING}`, { start: entry.lineEnd, end: entry.lineEnd, text: `${eol}${entry.indent}${yamlKey(AUTHORING)}: ${yamlScalar(authoring, entry.quote)}` });
    target.plan.changes.push({ key: `${catalogKey}.${AUTHORING}`, to: authoring });
  }
  // The package takes cloacina-workflow from the same catalog.
  moveDependency(m, d, false, f.usesRuntime, d.range, d.range);
}

const OVERRIDES: ReadonlyArray<{ path: readonly string[]; manager: 'npm' | 'yarn' | 'pnpm' }> = [
  { path: ['overrides'], manager: 'npm' },
  { path: ['resolutions'], manager: 'yarn' },
  { path: ['pnpm', 'overrides'], manager: 'pnpm' },
];

/** Whether an override key is about cloacina: all of it, only some versions of it, or not. */
function overrideTarget(key: string, manager: 'npm' | 'yarn' | 'pnpm'): 'all' | 'some' | undefined {
  const last = manager === 'pnpm' ? key.slice(key.lastIndexOf('>') + 1) : manager === 'yarn' ? key.slice(key.lastIndexOf('/') + 1) : key;
  if (last === RUNTIME) return 'all';
  if (last.startsWith(`${RUNTIME}@`)) return 'some';
  return undefined;
}

async function overrideEdits(m: Manifest, covered: Covered, manifests: readonly Manifest[], factsOf: (m: Manifest) => Promise<Facts>, facts: Map<string, Facts>): Promise<void> {
  const pins: Array<{ key: string; node: JsonNode & { kind: 'string' } }> = [];
  const walk = (object: JsonObject, path: string, manager: 'npm' | 'yarn' | 'pnpm') => {
    for (const x of object.members) {
      const key = `${path}.${x.key}`;
      const target = overrideTarget(x.key, manager);
      if (target === 'some') {
        m.plan.review.push({ key, message: `${key} overrides some versions of cloacina only; point it at v2 by hand` });
      } else if (target === 'all') {
        const value = x.value.kind === 'object' && manager === 'npm' ? member(x.value, '.')?.value : x.value;
        if (value?.kind === 'string') pins.push({ key: value === x.value ? key : `${key}..`, node: value as JsonNode & { kind: 'string' } });
      } else if (x.value.kind === 'object' && manager === 'npm') {
        walk(x.value, key, manager);
      }
    }
  };
  for (const { path, manager } of OVERRIDES) {
    let node: JsonNode | undefined = m.root;
    for (const part of path) node = member(node, part)?.value;
    if (node?.kind === 'object') walk(node, path.join('.'), manager);
  }
  if (pins.length === 0) return;
  const isWorkspaceRoot = member(m.root, 'workspaces') !== undefined || existsSync(join(m.dir, 'pnpm-workspace.yaml'));
  // A pin of a standalone package governs that package only; a workspace root's, all of it.
  const whole = covered(m.dir) || !isWorkspaceRoot;
  const own = whole ? await factsOf(m) : undefined;
  const heldPackages = heldUnder(m.dir, manifests, facts);
  for (const { key, node } of pins) {
    const value = node.value;
    if (value.startsWith('$')) continue; // follows the package's own dependency
    const kind = classifyRange(value);
    if (kind.kind === 'v2' || kind.kind === 'both') continue;
    if (kind.kind !== 'v1') {
      m.plan.review.push({ key, message: `${key} is ${JSON.stringify(value)}; point it at cloacina v2 by hand` });
      continue;
    }
    const runtime = restyle(value, TARGET_RUNTIME_VERSION);
    if (runtime === undefined) {
      m.plan.review.push({ key, message: `${key} is ${JSON.stringify(value)}, a range style this tool does not rewrite; point it at cloacina v2 by hand` });
    } else if (own === undefined || own.v1Files.length > 0 || heldPackages.length > 0) {
      m.plan.review.push({
        key,
        message:
          `${key} pins cloacina to ${JSON.stringify(value)}, left as it is because ` +
          (!whole ? `it applies to the whole workspace and this run did not cover it (run on ${m.dir})` : 'code of the packages it governs still uses v1 (see above)') +
          '; move it to v2 when they are migrated',
      });
    } else {
      m.splices.push(replaceValue(node, runtime));
      m.plan.changes.push({ key, from: value, to: runtime });
    }
  }
}

/** True when an npm override anywhere in the manifest is the reference `$cloacina`. */
function referencesRuntime(root: JsonObject): boolean {
  const walk = (node: JsonNode | undefined): boolean =>
    node?.kind === 'string' ? node.value === `$${RUNTIME}` : node?.kind === 'object' ? node.members.some((x) => walk(x.value)) : false;
  return walk(member(root, 'overrides')?.value);
}

/**
 * The local modules `outcomes` import (directly or through other such modules) that are not
 * among the run's files. Bounded: a handful in practice, never the whole disk.
 */
function unlistedImports(outcomes: readonly SourceOutcome[], listed: ReadonlySet<string>): string[] {
  const resolver = new Resolver();
  const queue = outcomes.filter((r) => r.status !== 'skipped').map((r) => r.file);
  const seen = new Set(queue);
  const found: string[] = [];
  for (let i = 0; i < queue.length && found.length < 1000; i++) {
    const from = queue[i]!;
    for (const specifier of scanSpecifiers(readLoose(from))) {
      // Local modules only: a package (even one of the workspace) has its own package.json.
      if (!isRelative(specifier) && !specifier.startsWith('#')) continue;
      const target = resolver.resolve(from, specifier);
      if (target === undefined || seen.has(target) || target.includes('/node_modules/')) continue;
      seen.add(target);
      if (listed.has(target)) continue;
      found.push(target);
      queue.push(target);
    }
  }
  return found;
}
