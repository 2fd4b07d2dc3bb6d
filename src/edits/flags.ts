// Manual-review sites: a `// TODO(cloacina-migrate): <reason>` comment on its own line above
// the statement, and an entry in the report. Never a guess.

export const MARKER = 'TODO(cloacina-migrate)';

/** Every reason a site can be flagged for; MIGRATION.md explains each. */
export const REASONS = {
  'loader-after-remove':
    'the key may have been removed from the context before this call; v1 then read the raw dependency value, v2 has no equivalent',
  'loader-context-escapes':
    'a removal of the key before this call cannot be ruled out: the context passes through code the migration cannot follow; check that code and replace with get()',
  'loader-not-called': 'the removed context method is used as a value, not called; replace it by hand',
  'context-double':
    'this object stands in for a cloacina Context and defines a method v2 removed; the migrated code calls get(key) instead, so give it a get(key) that returns what that method returned',
  'removed-method-tested':
    'this asks whether a cloacina Context has a method v2 removed: v1 answered yes, v2 answers no; decide what this code should do under v2',
  'method-name-computed':
    'the method called on this cloacina Context is chosen at run time and may be one v2 removed; call the method by its name (get(key) for the loaders)',
  'removed-method-type':
    'this type names a method the cloacina Context no longer has in v2; change the type by hand (the loaders became get(key))',
  'loader-set-by-hand':
    'a dependency loader is set on this context by hand before this call, so v1 read from it; v2 has no dependency loaders, rewrite it by hand',
  'receiver-type-without-get':
    'this is a cloacina Context and the call can become get(key), but the type it is declared with has no get(); add get(key: string) to that type, then replace the call',
  'receiver-unknown':
    'cannot tell whether this is a cloacina Context; if it is, apply the v2 change by hand; if not, give it a type that says what it is',
  'dependency-loader-read':
    'a loader call on this context, or code it is handed to, may read from this dependency loader, so it stays; v2 has no dependency loaders: rewrite this code by hand (in task unit tests use runTask from cloacina-workflow/testing)',
  'dependency-loader-removed':
    'removed setDependencyLoader(): v2 pre-injects dependency outputs; in task unit tests use runTask from cloacina-workflow/testing',
  'execution-scope-set-removed': 'removed setExecutionScope(): the execution scope is a runtime internal in v2',
  'removed-method-in-expression': 'setDependencyLoader/setExecutionScope is used inside an expression; remove it by hand',
  'execution-scope-read': 'executionScope() has no v2 counterpart for tasks; pass what you need through the context',
  'namespace-as-value': 'the cloacina module object is used as a value, so the names it needs are unknown; it stays on cloacina',
  'export-star': 'export * from cloacina re-exports the runtime too; use cloacina-workflow if consumers only need authoring names',
  'mock-split': 'this mock covers names now split between cloacina and cloacina-workflow; mock both modules',
  'augmentation-mixed': 'this module augmentation declares authoring and runtime names; split it between cloacina-workflow and cloacina',
  'dynamic-import': 'this dynamic import or require of cloacina is used in a way that cannot be analysed; point it at cloacina-workflow if it only needs authoring names',
  'legacy-only-name': 'this name exists only in cloacina/legacy; remove its use',
  'legacy-barrel':
    'this re-exports cloacina/legacy, whose Context still has the v1 loaders; it stays on cloacina/legacy so its consumers keep working: point it at cloacina-workflow once they are migrated',
} as const;

export type FlagReason = keyof typeof REASONS;

/** A site an analysis wants reviewed: where it is in the parsed text, and why. */
export interface PlannedFlag {
  /** Offset of the site in the parsed text. */
  at: number;
  reason: FlagReason;
  /** Said after the reason, in the marker and the report (keep it stable: markers are matched by text). */
  detail?: string;
}

/** A flag as reported: its line is a line of the text written (1-based). */
export interface Flag {
  reason: FlagReason;
  message: string;
  line: number;
}

/** The text a flag's marker and report entry carry. */
export function flagMessage(flag: Pick<PlannedFlag, 'reason' | 'detail'>): string {
  return flag.detail ? `${REASONS[flag.reason]} (${flag.detail})` : REASONS[flag.reason];
}
