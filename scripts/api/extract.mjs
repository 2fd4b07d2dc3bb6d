// The public API of a package's entry points, read from the published types (the .d.ts
// files its `exports` map points at) with the TypeScript compiler, printed as one
// deterministic declaration file per entry point. Comments are dropped except
// `@deprecated`, which is part of the contract.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/**
 * The entry points of the packages, in the order given and then in each package's
 * `exports` order: `{ packageName, packageDir, subpath, specifier, typesFile }`.
 */
export function entryPoints(packageDirs) {
  const entries = [];
  for (const packageDir of packageDirs) {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const types = typeof target === 'object' && target !== null ? target.types : undefined;
      if (typeof types !== 'string') continue; // ./package.json and other untyped exports
      entries.push({
        packageName: manifest.name,
        packageDir,
        subpath,
        specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
        typesFile: join(packageDir, types),
      });
    }
  }
  return entries;
}

/** The file name of an entry point's report: `cloacina/legacy` -> `cloacina-legacy.api.md`. */
export function reportFileName(specifier) {
  return `${specifier.replace(/^@/, '').replace(/\//g, '-')}.api.md`;
}

const packageNameCache = new Map();
/** The name in the nearest package.json above a file (its real path). */
function owningPackage(fileName) {
  let dir = dirname(realpathSync(fileName));
  const seen = [];
  while (true) {
    if (packageNameCache.has(dir)) break;
    seen.push(dir);
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      packageNameCache.set(dir, JSON.parse(readFileSync(manifest, 'utf8')).name ?? null);
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      packageNameCache.set(dir, null);
      break;
    }
    dir = parent;
  }
  const name = packageNameCache.get(dir);
  for (const d of seen) packageNameCache.set(d, name);
  return name;
}

const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function resolve(checker, symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** The statement-level node that declares `decl` (a variable's whole statement). */
function declarationNode(decl) {
  if (ts.isVariableDeclaration(decl)) {
    const statement = decl.parent.parent;
    return ts.factory.updateVariableStatement(
      statement,
      statement.modifiers,
      ts.factory.updateVariableDeclarationList(decl.parent, [decl]),
    );
  }
  return decl;
}

const NEEDS_DECLARE = new Set([
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.ModuleDeclaration,
]);

/** The node with `export`/`declare` set as the report wants them. */
function withModifiers(node, exported) {
  const kept = (ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : []).filter(
    (m) => ![ts.SyntaxKind.ExportKeyword, ts.SyntaxKind.DefaultKeyword, ts.SyntaxKind.DeclareKeyword].includes(m.kind),
  );
  const added = [];
  if (exported) added.push(ts.factory.createModifier(ts.SyntaxKind.ExportKeyword));
  if (NEEDS_DECLARE.has(node.kind)) added.push(ts.factory.createModifier(ts.SyntaxKind.DeclareKeyword));
  return ts.factory.replaceModifiers(node, [...added, ...kept]);
}

/** Original comments off everywhere; `@deprecated` kept as a one-line marker. */
function markDeprecations(node) {
  const visit = (n) => {
    ts.setEmitFlags(n, ts.EmitFlags.NoComments);
    if (ts.getJSDocDeprecatedTag(n.original ?? n) !== undefined) {
      ts.setSyntheticLeadingComments(n, [
        { kind: ts.SyntaxKind.MultiLineCommentTrivia, text: '* @deprecated ', hasTrailingNewLine: true, pos: -1, end: -1 },
      ]);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });

function print(node, sourceFile) {
  markDeprecations(node);
  return printer
    .printNode(ts.EmitHint.Unspecified, node, sourceFile)
    .replace(/import\("\.{1,2}\/[^"]*"\)\./g, '') // a relative import() type names its file, not its API
    .trimEnd();
}

/** Names used in type positions inside `node`: where a declaration depends on other types. */
function typeReferences(node) {
  const names = [];
  const visit = (n) => {
    if (ts.isTypeReferenceNode(n)) names.push(n.typeName);
    else if (ts.isExpressionWithTypeArguments(n)) names.push(n.expression);
    else if (ts.isTypeQueryNode(n)) names.push(n.exprName);
    else if (ts.isComputedPropertyName(n)) names.push(n.expression);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/**
 * The report text of every entry point, by specifier (`compilerOptions` may trim what the
 * program loads, e.g. for a package that needs no lib). Each report lists, sorted by name:
 * the entry's exports (a declaration, or a re-export line when an earlier entry point of
 * these packages owns it), then the not-exported declarations of these packages that the
 * exports' types mention, since a change to those changes the API too.
 */
export function extractReports(packageDirs, compilerOptions = {}) {
  const entries = entryPoints(packageDirs);
  for (const entry of entries) {
    if (!existsSync(entry.typesFile)) throw new Error(`${entry.specifier}: types file ${entry.typesFile} is missing; run npm run build`);
  }
  const program = ts.createProgram(
    entries.map((e) => e.typesFile),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      ...compilerOptions,
    },
  );
  const checker = program.getTypeChecker();
  const ours = new Set(entries.map((e) => e.packageName));

  const exportsOf = entries.map((entry) => {
    const sourceFile = program.getSourceFile(entry.typesFile);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (moduleSymbol === undefined) throw new Error(`${entry.specifier}: ${entry.typesFile} is not a module`);
    return checker
      .getExportsOfModule(moduleSymbol)
      .map((symbol) => ({ name: symbol.name, target: resolve(checker, symbol) }))
      .sort((a, b) => byCodeUnits(a.name, b.name));
  });
  // The first entry point (in the given order) that exports a symbol owns it.
  const home = new Map();
  exportsOf.forEach((list, i) => {
    for (const { name, target } of list) if (!home.has(target)) home.set(target, { entry: entries[i], name });
  });

  const reports = new Map();
  entries.forEach((entry, i) => {
    const exported = new Map(exportsOf[i].map(({ name, target }) => [target, name]));
    const exportBlocks = [];
    const internal = new Map(); // name -> symbol, not exported but referenced
    const queue = [];

    const noteReferences = (node) => {
      for (const nameNode of typeReferences(node)) {
        const symbol = checker.getSymbolAtLocation(nameNode);
        if (symbol === undefined) continue;
        const target = resolve(checker, symbol);
        if (target.flags & ts.SymbolFlags.TypeParameter || exported.has(target)) continue;
        const decl = target.declarations?.[0];
        if (decl === undefined || !ours.has(owningPackage(decl.getSourceFile().fileName))) continue;
        if (home.has(target)) continue; // public elsewhere: its own report covers it
        const previous = internal.get(target.name);
        if (previous === undefined) {
          internal.set(target.name, target);
          queue.push(target);
        } else if (previous !== target) {
          throw new Error(
            `${entry.specifier}: two different unexported declarations named ${target.name} are part of the API ` +
              `(${relative(process.cwd(), previous.declarations[0].getSourceFile().fileName)}, ${relative(process.cwd(), decl.getSourceFile().fileName)}); export or rename one`,
          );
        }
      }
    };

    const declarations = (target, exportName) => {
      const decls = [...(target.declarations ?? [])].sort(
        (a, b) => byCodeUnits(a.getSourceFile().fileName, b.getSourceFile().fileName) || a.pos - b.pos,
      );
      const texts = [];
      for (const decl of decls) {
        const node = declarationNode(decl);
        const declName = ts.getNameOfDeclaration(decl)?.getText();
        const sameName = declName === exportName;
        texts.push(print(withModifiers(node, exportName !== undefined && sameName), decl.getSourceFile()));
        noteReferences(decl);
      }
      if (exportName !== undefined) {
        const declName = decls[0] && ts.getNameOfDeclaration(decls[0])?.getText();
        if (declName !== exportName) texts.push(`export { ${declName} as ${exportName} };`);
      }
      return texts.join('\n');
    };

    for (const { name, target } of exportsOf[i]) {
      const owner = home.get(target);
      const decl = target.declarations?.[0];
      const ownerPackage = decl && owningPackage(decl.getSourceFile().fileName);
      if (owner.entry !== entry) {
        const spec = owner.name === name ? name : `${owner.name} as ${name}`;
        exportBlocks.push(`export { ${spec} } from '${owner.entry.specifier}';`);
      } else if (ownerPackage !== entry.packageName && !ours.has(ownerPackage)) {
        exportBlocks.push(`export { ${name} } from '${ownerPackage ?? 'unknown'}';`);
      } else {
        exportBlocks.push(declarations(target, name));
      }
    }
    const internalBlocks = [];
    while (queue.length > 0) internalBlocks.push({ name: queue[0].name, text: declarations(queue.shift(), undefined) });
    internalBlocks.sort((a, b) => byCodeUnits(a.name, b.name));

    reports.set(entry.specifier, renderReport(entry, exportBlocks, internalBlocks.map((b) => b.text)));
  });
  return reports;
}

function renderReport(entry, exportBlocks, internalBlocks) {
  const lines = [
    `# API report: ${entry.specifier}`,
    '',
    `The public API of \`${entry.specifier}\` as its published types declare it (\`${entry.subpath}\` in the`,
    `exports of ${entry.packageName}). Generated by \`npm run api:update\`; \`npm test\` fails while it`,
    'differs from the built package. Do not edit by hand.',
    '',
    '```ts',
    exportBlocks.join('\n\n'),
  ];
  if (internalBlocks.length > 0) {
    lines.push('', '// Not exported, but part of the API through the declarations above.', '', internalBlocks.join('\n\n'));
  }
  lines.push('```', '');
  return lines.join('\n');
}
