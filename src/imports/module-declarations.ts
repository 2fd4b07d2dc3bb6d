// Import and export declarations of cloacina: authoring names move to cloacina-workflow,
// runtime names stay on cloacina, all as splices of the declarations' own text. A declaration
// that keeps some names keeps its place, its layout and its comments; the moved names go to
// an existing cloacina-workflow import of the same kind, or to a new declaration beside it.
import type * as t from '@babel/types';
import type { ParsedFile } from '../analysis/parse.js';
import type { PlannedFlag } from '../edits/flags.js';
import { listClose, removeListItems } from '../edits/lists.js';
import { removeListedStatement } from '../edits/remove.js';
import type { Splice } from '../edits/splice.js';
import { insertAfter, insertBefore, semicolonOf } from '../edits/statements.js';
import { nextCode } from '../edits/text.js';
import { memberUses } from './member-uses.js';
import { authoringName, AUTHORING_PACKAGE, isCloacinaSource, LEGACY_ONLY, LEGACY_PACKAGE, RUNTIME_PACKAGE } from './names.js';
import { quoteOf, retarget } from './specifiers.js';

export interface Plan {
  edits: Splice[];
  flags: PlannedFlag[];
}

type Kind = 'value' | 'type' | 'typeof';
type Head = t.ImportDefaultSpecifier | t.ImportNamespaceSpecifier;

/** An import from cloacina-workflow that moved names can join. */
interface MergeTarget {
  kind: Kind;
  node: t.ImportDeclaration;
  /** Where new specifiers go: right after the last one; undefined for a declaration still to be written. */
  insertAt: number | undefined;
  /** `kind:imported:local` of the specifiers it has (or will have). */
  has: Set<string>;
  /** Specifier texts of a declaration still to be written (after `node`). */
  pending?: string[];
  /** Writes the pending declaration. */
  write?: (specs: string[]) => string;
}

const nameOf = (node: t.Identifier | t.StringLiteral) => (node.type === 'Identifier' ? node.name : node.value);
const keyOf = (kind: string, imported: string, local: string) => `${kind}:${imported}:${local}`;

export function planModuleDeclarations(file: ParsedFile, plan: Plan): void {
  const targets = existingTargets(file);
  for (const statement of file.program.body) {
    switch (statement.type) {
      case 'ImportDeclaration':
        if (isCloacinaSource(statement.source.value)) planImport(file, statement, targets, plan);
        break;
      case 'ExportNamedDeclaration':
        if (statement.source && isCloacinaSource(statement.source.value)) planReexport(file, statement, plan);
        break;
      case 'ExportAllDeclaration':
        if (isCloacinaSource(statement.source.value)) {
          plan.flags.push({ at: statement.start!, reason: statement.source.value === LEGACY_PACKAGE ? 'legacy-barrel' : 'export-star' });
        }
        break;
      case 'TSImportEqualsDeclaration':
        planImportEquals(file, statement, plan);
        break;
      case 'TSModuleDeclaration':
        if (statement.id.type === 'StringLiteral' && isCloacinaSource(statement.id.value)) planAugmentation(file, statement, plan);
        break;
    }
  }
  // New declarations, written once every name that joins them is known.
  for (const target of targets) if (target.pending) plan.edits.push(insertAfter(file, target.node, target.write!(target.pending)));
}

function existingTargets(file: ParsedFile): MergeTarget[] {
  const targets: MergeTarget[] = [];
  for (const statement of file.program.body) {
    if (statement.type !== 'ImportDeclaration' || statement.source.value !== AUTHORING_PACKAGE || statement.phase) continue;
    const specifiers = statement.specifiers;
    if (specifiers.length === 0 || !specifiers.every((s) => s.type === 'ImportSpecifier')) continue;
    const kind = (statement.importKind ?? 'value') as Kind;
    const has = new Set(specifiers.map((s) => keyOf((s as t.ImportSpecifier).importKind ?? 'value', nameOf((s as t.ImportSpecifier).imported), s.local.name)));
    targets.push({ kind, node: statement, insertAt: specifiers[specifiers.length - 1]!.end!, has });
  }
  return targets;
}

/** A named specifier that moves, with the text it has in its new declaration. */
interface Moving {
  spec: t.ImportSpecifier;
  text: string;
  key: string;
  /** The text differs from the original (a renamed legacy name). */
  renamed: boolean;
}

function planImport(file: ParsedFile, node: t.ImportDeclaration, targets: MergeTarget[], plan: Plan): void {
  const { text } = file;
  const source = node.source.value;
  const literal = node.source;
  const specifiers = node.specifiers;
  if (specifiers.length === 0) {
    // A side-effect import: v1 registered nothing globally; it keeps pointing at the runtime.
    if (source === LEGACY_PACKAGE) plan.edits.push(retarget(text, literal, RUNTIME_PACKAGE));
    return;
  }
  const kind = (node.importKind ?? 'value') as Kind;
  let keepLegacy = false;
  const heads = specifiers.filter((s): s is Head => s.type !== 'ImportSpecifier');
  const named = specifiers.filter((s): s is t.ImportSpecifier => s.type === 'ImportSpecifier');

  const movingHeads: Head[] = [];
  for (const head of heads) {
    const members = memberUses(file, head.local.name);
    if (members === undefined) {
      plan.flags.push({ at: node.start!, reason: 'namespace-as-value' });
      if (source === LEGACY_PACKAGE) keepLegacy = true;
      continue;
    }
    if ([...members].every((m) => authoringName(m, source) === m)) movingHeads.push(head);
    else if (source === LEGACY_PACKAGE && [...members].some((m) => LEGACY_ONLY.has(m))) keepLegacy = true;
  }
  const moving: Moving[] = [];
  for (const spec of named) {
    const imported = nameOf(spec.imported);
    const target = authoringName(imported, source);
    if (target === undefined) {
      if (source === LEGACY_PACKAGE && LEGACY_ONLY.has(imported)) {
        plan.flags.push({ at: node.start!, reason: 'legacy-only-name' });
        keepLegacy = true;
      }
      continue;
    }
    const specKind = spec.importKind ?? 'value';
    const renamed = target !== imported;
    const specText = renamed ? `${specKind === 'type' ? 'type ' : ''}${target} as ${spec.local.name}` : text.slice(spec.start!, spec.end!);
    moving.push({ spec, text: specText, key: keyOf(specKind, target, spec.local.name), renamed });
  }
  const stayingSource = keepLegacy ? source : RUNTIME_PACKAGE;
  const movingSpecs = new Set<t.Node>([...movingHeads, ...moving.map((m) => m.spec)]);
  const staying = specifiers.filter((s) => !movingSpecs.has(s));
  if (movingSpecs.size === 0) {
    if (source !== stayingSource) plan.edits.push(retarget(text, literal, stayingSource));
    return;
  }

  const q = quoteOf(text, literal);
  const semi = semicolonOf(file, node);
  const keyword = kind === 'value' ? 'import' : `import ${kind}`;
  const declaration = (clause: string) => `${keyword} ${clause} from ${q}${AUTHORING_PACKAGE}${q}${semi}`;
  const added: string[] = [];
  const target = moving.length > 0 ? targets.find((t) => t.kind === kind && t.node !== node) : undefined;
  if (target !== undefined) mergeInto(target, moving, plan);

  if (staying.length > 0) {
    plan.edits.push(...removeSpecifiers(file, node, movingSpecs));
    if (source !== stayingSource) plan.edits.push(retarget(text, literal, stayingSource));
    if (moving.length > 0 && target === undefined) {
      // Written after the namespace imports below, and joined by later imports of the same kind.
      targets.push({
        kind,
        node,
        insertAt: undefined,
        has: new Set(moving.map((m) => m.key)),
        pending: moving.map((m) => m.text),
        write: (specs) => declaration(`{ ${specs.join(', ')} }`),
      });
    }
    for (const head of movingHeads) added.push(declaration(`* as ${head.local.name}`));
  } else if (moving.length > 0 && target === undefined) {
    // Nothing stays: this declaration becomes the cloacina-workflow import of the named ones.
    plan.edits.push(...removeSpecifiers(file, node, new Set(movingHeads)), retarget(text, literal, AUTHORING_PACKAGE));
    for (const m of moving) if (m.renamed) plan.edits.push({ start: m.spec.start!, end: m.spec.end!, text: m.text });
    const last = named[named.length - 1]!;
    targets.push({ kind, node, insertAt: last.end!, has: new Set(moving.map((m) => m.key)) });
    for (const head of movingHeads) added.push(declaration(`* as ${head.local.name}`));
  } else if (movingHeads.length > 0) {
    // Only module objects are left: the first becomes a namespace import of cloacina-workflow.
    const [first, ...rest] = movingHeads;
    plan.edits.push(...removeSpecifiers(file, node, new Set<t.Node>([...rest, ...named])), retarget(text, literal, AUTHORING_PACKAGE));
    // cloacina-workflow has no default export: a default import becomes a namespace import.
    if (first!.type === 'ImportDefaultSpecifier') plan.edits.push({ start: first!.start!, end: first!.end!, text: `* as ${first!.local.name}` });
    for (const head of rest) added.push(declaration(`* as ${head.local.name}`));
  } else {
    // Every name joined another import.
    const body = file.program.body;
    plan.edits.push(removeListedStatement(text, node.start!, node.end!, body[body.indexOf(node) + 1]));
  }
  for (const code of added) plan.edits.push(insertAfter(file, node, code));
}

function mergeInto(target: MergeTarget, moving: readonly Moving[], plan: Plan): void {
  const texts: string[] = [];
  for (const m of moving) {
    if (target.has.has(m.key)) continue;
    target.has.add(m.key);
    texts.push(m.text);
  }
  if (texts.length === 0) return;
  if (target.pending) target.pending.push(...texts);
  else plan.edits.push({ start: target.insertAt!, end: target.insertAt!, text: `, ${texts.join(', ')}` });
}

/**
 * Splices that take `remove` out of an import's specifiers (something must remain): named ones
 * from the braces (the braces too when none is left), a default or namespace one with its comma.
 */
function removeSpecifiers(file: ParsedFile, node: t.ImportDeclaration, remove: ReadonlySet<t.Node>): Splice[] {
  const specifiers = node.specifiers;
  const named = specifiers.filter((s) => s.type === 'ImportSpecifier');
  const heads = specifiers.filter((s) => s.type !== 'ImportSpecifier');
  const keptHeads = heads.filter((h) => !remove.has(h));
  const splices: Splice[] = [];
  const removedNamed = named.filter((s) => remove.has(s));
  if (removedNamed.length > 0 && removedNamed.length === named.length) {
    // `c, { a, b }` -> `c`
    splices.push({ start: keptHeads[keptHeads.length - 1]!.end!, end: listClose(file, named[named.length - 1]!), text: '' });
  } else if (removedNamed.length > 0) {
    splices.push(...removeListItems(file, named, new Set(named.flatMap((s, i) => (remove.has(s) ? [i] : [])))));
  }
  heads.forEach((head, i) => {
    if (!remove.has(head)) return;
    if (i === 0) {
      // `c, { a }` -> `{ a }`; `c, * as n` -> `* as n`
      const comma = nextCode(file, head.end!);
      splices.push({ start: head.start!, end: nextCode(file, comma + 1), text: '' });
    } else {
      // `c, * as n` -> `c`
      splices.push({ start: heads[0]!.end!, end: head.end!, text: '' });
    }
  });
  return splices;
}

function planReexport(file: ParsedFile, node: t.ExportNamedDeclaration, plan: Plan): void {
  const { text } = file;
  const source = node.source!.value;
  if (source === LEGACY_PACKAGE) {
    // Its consumers get the v1 Context (with the lazy loaders) from it: it keeps that.
    plan.flags.push({ at: node.start!, reason: 'legacy-barrel' });
    return;
  }
  if (node.specifiers.some((s) => s.type !== 'ExportSpecifier')) {
    plan.flags.push({ at: node.start!, reason: 'export-star' });
    return;
  }
  const specifiers = node.specifiers as t.ExportSpecifier[];
  const moving = new Set<number>();
  specifiers.forEach((spec, i) => {
    const name = nameOf(spec.local as t.Identifier | t.StringLiteral);
    if (authoringName(name, source) === name) moving.add(i);
  });
  if (moving.size === 0) return;
  if (moving.size === specifiers.length) {
    plan.edits.push(retarget(text, node.source!, AUTHORING_PACKAGE));
    return;
  }
  const q = quoteOf(text, node.source!);
  const keyword = node.exportKind === 'type' ? 'export type' : 'export';
  const moved = specifiers.filter((_, i) => moving.has(i)).map((s) => text.slice(s.start!, s.end!));
  plan.edits.push(
    ...removeListItems(file, specifiers, moving),
    insertBefore(file, node, `${keyword} { ${moved.join(', ')} } from ${q}${AUTHORING_PACKAGE}${q}${semicolonOf(file, node)}`),
  );
}

/** `import c = require('cloacina')`: a module object, like a namespace import. */
function planImportEquals(file: ParsedFile, node: t.TSImportEqualsDeclaration, plan: Plan): void {
  const reference = node.moduleReference;
  if (reference.type !== 'TSExternalModuleReference' || !isCloacinaSource(reference.expression.value)) return;
  const source = reference.expression.value;
  const members = node.isExport ? undefined : memberUses(file, node.id.name);
  if (members === undefined) {
    plan.flags.push({ at: node.start!, reason: 'namespace-as-value' });
    return;
  }
  if ([...members].every((m) => authoringName(m, source) === m)) {
    plan.edits.push(retarget(file.text, reference.expression, AUTHORING_PACKAGE));
  } else if (source === LEGACY_PACKAGE && ![...members].some((m) => LEGACY_ONLY.has(m))) {
    plan.edits.push(retarget(file.text, reference.expression, RUNTIME_PACKAGE));
  }
}

/** `declare module 'cloacina' { … }` follows the names it declares. */
function planAugmentation(file: ParsedFile, node: t.TSModuleDeclaration, plan: Plan): void {
  const id = node.id as t.StringLiteral;
  const body = node.body?.type === 'TSModuleBlock' ? node.body.body : [];
  const declared = body.map((statement) => {
    const declaration = statement.type === 'ExportNamedDeclaration' ? statement.declaration : statement;
    const name = (declaration as { id?: t.Node | null } | null | undefined)?.id;
    return name?.type === 'Identifier' ? name.name : '';
  });
  const authoring = declared.filter((name) => authoringName(name, id.value) !== undefined);
  if (authoring.length === 0) return;
  if (authoring.length < declared.length) {
    plan.flags.push({ at: node.start!, reason: 'augmentation-mixed' });
    return;
  }
  plan.edits.push(retarget(file.text, id, AUTHORING_PACKAGE));
}
