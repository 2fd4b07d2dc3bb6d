// Compares two API reports (see extract.mjs) and sorts every difference into an
// addition (allowed in a minor release) or a break (removal or change: a new major).
// A difference it cannot prove additive is a break: it never guesses compatibility.
import ts from 'typescript';

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });

/** The declaration text of a report (its ```ts block). */
export function reportCode(report) {
  const match = /```ts\n([\s\S]*?)```/.exec(report);
  if (match === null) throw new Error('not an API report: no ```ts block');
  return match[1];
}

const text = (node, sf) => printer.printNode(ts.EmitHint.Unspecified, node, sf).replace(/\s+/g, ' ').trim().replace(/;$/, '');

function hasModifier(node, kind) {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** name -> { exported: how it is exported ('self' | re-export text), decls: nodes }, from one report. */
function parseReport(report) {
  const sf = ts.createSourceFile('report.d.ts', reportCode(report), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declared = new Map(); // declared name -> nodes
  const exported = new Map(); // exported name -> { local?: declared name, from?: text }
  for (const statement of sf.statements) {
    if (ts.isExportDeclaration(statement)) {
      for (const element of statement.exportClause?.elements ?? []) {
        const local = (element.propertyName ?? element.name).text;
        exported.set(element.name.text, statement.moduleSpecifier ? { from: text(statement, sf) } : { local });
      }
      continue;
    }
    const names = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText(sf))
      : [statement.name?.getText(sf)];
    for (const name of names) {
      if (name === undefined) throw new Error(`API report: a statement without a name: ${text(statement, sf)}`);
      if (!declared.has(name)) declared.set(name, []);
      declared.get(name).push(statement);
      if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) exported.set(name, { local: name });
    }
  }
  return { sf, declared, exported };
}

/** A member's identity within its class, interface or enum. */
function memberKey(member, sf) {
  const isStatic = hasModifier(member, ts.SyntaxKind.StaticKeyword) ? 'static ' : '';
  if (ts.isConstructorDeclaration(member)) return 'constructor';
  if (ts.isCallSignatureDeclaration(member)) return '(call)';
  if (ts.isConstructSignatureDeclaration(member)) return '(new)';
  if (ts.isIndexSignatureDeclaration(member)) return `${isStatic}[index]`;
  if (ts.isGetAccessor(member) || ts.isSetAccessor(member)) return `${isStatic}${member.name.getText(sf)} (accessor)`;
  return `${isStatic}${member.name?.getText(sf) ?? text(member, sf)}`;
}

function isRequiredMember(member) {
  if (ts.isPropertySignature(member) || ts.isMethodSignature(member)) return member.questionToken === undefined;
  return ts.isCallSignatureDeclaration(member) || ts.isConstructSignatureDeclaration(member);
}

/**
 * The parts of one declared name, as a list of { key, text, required }: a part that
 * disappears or changes is a break; a new part is an addition unless `required`
 * (a required interface member breaks code that builds the object).
 */
function parts(nodes, sf) {
  const out = [];
  for (const node of nodes) {
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isEnumDeclaration(node)) {
      const kind = ts.isClassDeclaration(node) ? 'class' : ts.isInterfaceDeclaration(node) ? 'interface' : 'enum';
      const header = ts.isEnumDeclaration(node)
        ? `enum ${node.name.text}`
        : text(
            kind === 'class'
              ? ts.factory.updateClassDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, [])
              : ts.factory.updateInterfaceDeclaration(node, node.modifiers, node.name, node.typeParameters, node.heritageClauses, []),
            sf,
          );
      out.push({ key: `${kind} header`, text: header, required: false });
      for (const member of node.members) {
        out.push({ key: memberKey(member, sf), text: text(member, sf), node: member, sf, required: kind === 'interface' && isRequiredMember(member) });
      }
    } else if (ts.isTypeAliasDeclaration(node)) {
      // A union may grow (a new error kind, a new option shape); it may not lose a member.
      // Any other type is a union of one: changing it loses that member.
      const header = text(ts.factory.updateTypeAliasDeclaration(node, node.modifiers, node.name, node.typeParameters, ts.factory.createTypeReferenceNode('_')), sf);
      out.push({ key: 'type header', text: header, required: false });
      const members = ts.isUnionTypeNode(node.type) ? node.type.types : [node.type];
      for (const member of members) out.push({ key: '(union member)', text: text(member, sf), required: false });
    } else if (ts.isFunctionDeclaration(node)) {
      // Each overload is a part: a new overload adds, a changed one breaks.
      out.push({ key: '(overload)', text: text(node, sf), node, sf, required: false });
    } else {
      out.push({ key: '(declaration)', text: text(node, sf), required: false });
    }
  }
  return out;
}

/**
 * True when `after` is the signature `before` with optional parameters added at its end:
 * every call that compiled still compiles, and means the same.
 */
function addsOptionalParameters(before, after) {
  if (!before?.node || !after?.node || !ts.isFunctionLike(before.node) || before.node.kind !== after.node.kind) return false;
  const a = before.node;
  const b = after.node;
  const same = (x, y) => (x === undefined ? y === undefined : y !== undefined && text(x, before.sf) === text(y, after.sf));
  const list = (nodes, sf) => (nodes ?? []).map((n) => text(n, sf)).join(', ');
  if (b.parameters.length <= a.parameters.length) return false;
  if (!same(a.name, b.name) || !same(a.type, b.type)) return false;
  if (list(a.typeParameters, before.sf) !== list(b.typeParameters, after.sf)) return false;
  if (list(ts.canHaveModifiers(a) ? ts.getModifiers(a) : [], before.sf) !== list(ts.canHaveModifiers(b) ? ts.getModifiers(b) : [], after.sf)) return false;
  if (a.parameters.some((p, i) => !same(p, b.parameters[i]))) return false;
  return b.parameters.slice(a.parameters.length).every((p) => p.questionToken !== undefined || p.initializer !== undefined || p.dotDotDotToken !== undefined);
}

function compareDeclarations(label, before, after, breaks, additions) {
  const old = parts(before.nodes, before.sf);
  const now = parts(after.nodes, after.sf);
  const nowTexts = new Map();
  for (const p of now) {
    if (!nowTexts.has(p.key)) nowTexts.set(p.key, new Set());
    nowTexts.get(p.key).add(p.text);
  }
  const oldTexts = new Set(old.map((p) => `${p.key}\u0000${p.text}`));
  const brokenKeys = new Set();
  const extended = new Set(); // new parts that only add optional parameters to an old one
  const oldCount = (key) => old.filter((p) => p.key === key).length;
  for (const p of old) {
    const texts = nowTexts.get(p.key);
    if (texts?.has(p.text)) continue;
    const extension = now.find((n) => n.key === p.key && !oldTexts.has(`${n.key}\u0000${n.text}`) && addsOptionalParameters(p, n));
    if (extension !== undefined) {
      extended.add(extension);
      additions.push(`${label}: ${p.key} gained optional parameters (was: ${p.text}; now: ${extension.text})`);
      continue;
    }
    // One part before and after under a key is a change; otherwise this one is gone.
    if (texts?.size === 1 && oldCount(p.key) === 1) breaks.push(`${label}: ${p.key} changed (was: ${p.text}; now: ${[...texts][0]})`);
    else breaks.push(`${label}: ${p.key} removed (was: ${p.text})`);
    brokenKeys.add(p.key);
  }
  for (const p of now) {
    // A part under a key that lost its old text was reported as a change above.
    if (oldTexts.has(`${p.key}\u0000${p.text}`) || brokenKeys.has(p.key) || extended.has(p)) continue;
    if (p.required) breaks.push(`${label}: new required member ${p.key} (${p.text}) breaks code that builds this object`);
    else additions.push(`${label}: ${p.key} added (${p.text})`);
  }
}

/**
 * `{ breaks, additions }` between a report of the released API (`before`) and of the
 * current one (`after`). Exports are compared by name; the unexported declarations the
 * API mentions are compared too (their removal alone is no break: whatever mentioned
 * them changed, and is reported).
 */
export function compareReports(before, after) {
  const a = parseReport(before);
  const b = parseReport(after);
  const breaks = [];
  const additions = [];
  const view = (r, name) => ({ sf: r.sf, nodes: r.declared.get(name) ?? [] });
  const compared = new Set();
  for (const [name, was] of a.exported) {
    const now = b.exported.get(name);
    if (now === undefined) {
      breaks.push(`${name}: export removed`);
      continue;
    }
    if (was.from !== undefined || now.from !== undefined) {
      if (was.from !== now.from) breaks.push(`${name}: changed (was: ${was.from ?? 'declared here'}; now: ${now.from ?? 'declared here'})`);
      continue;
    }
    compared.add(`${was.local}\u0000${now.local}`);
    compareDeclarations(name, view(a, was.local), view(b, now.local), breaks, additions);
  }
  for (const name of b.exported.keys()) if (!a.exported.has(name)) additions.push(`${name}: export added`);
  for (const name of a.declared.keys()) {
    if (b.declared.has(name) && !compared.has(`${name}\u0000${name}`) && ![...a.exported.values()].some((e) => e.local === name)) {
      compareDeclarations(`${name} (not exported)`, view(a, name), view(b, name), breaks, additions);
    }
  }
  return { breaks, additions };
}
