// Helpers whose definition another file of the project can change: a member of an exported
// object assigned, Object.assign, a prototype patched, a namespace member replaced, the object
// handed to code that is not followed. The call cannot be followed into the body it was
// declared with: the context counts as handed over, and the loader is flagged.
import { describe, expect, it } from 'vitest';
import { plan, workflow } from './support.js';

const task = (call: string, imports: string) =>
  workflow(`task({ id: 'a', dependencies: ['up'] }, (ctx) => {\n  ${call};\n  ctx.set('v', ctx.getWithDependencies('k'));\n});`, `import { task } from 'cloacina';\n${imports}`);

function flagsOf(files: Record<string, string>) {
  const result = plan(files);
  return { flags: result.flags.map((f) => f.split(' ')[1]), details: result.details, rewritten: result.output.includes("ctx.get('k')") };
}

const hooks = { 'src/hooks.ts': 'export const hooks = {\n  before(c: any) {},\n};\n' };

describe('a member of an exported object replaced in another file', () => {
  it.each([
    ['assigned through the named import', "import { hooks } from './hooks.js';\nhooks.before = (c: any) => c.remove('k');\n"],
    ['assigned through a namespace import', "import * as h from './hooks.js';\nh.hooks.before = (c: any) => c.remove('k');\n"],
    ['Object.assign', "import { hooks } from './hooks.js';\nObject.assign(hooks, { before: (c: any) => c.remove('k') });\n"],
    ['assigned through a barrel', "import { hooks } from './index.js';\nhooks.before = (c: any) => c.remove('k');\n"],
    ['assigned through an import that is exported again', "import { hooks } from './again.js';\nhooks.before = (c: any) => c.remove('k');\n"],
    ['assigned inside a function', "import { hooks } from './hooks.js';\nexport function install() { hooks['before'] = (c: any) => c.remove('k'); }\n"],
    ['handed to code that is not followed', "import { hooks } from './hooks.js';\nimport { register } from 'plugin-host';\nregister(hooks);\n"],
    ['required and assigned', "const { hooks } = require('./hooks.js');\nhooks.before = (c: any) => c.remove('k');\n"],
  ])('%s', (_name, patch) => {
    const files = {
      ...hooks,
      'src/index.ts': "export * from './hooks.js';\n",
      'src/again.ts': "import { hooks } from './hooks.js';\nexport { hooks };\n",
      'src/patch.ts': patch,
      'src/workflow.ts': task('hooks.before(ctx)', "import { hooks } from './hooks.js';\nimport './patch.js';"),
    };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });

  it('still rewrites when other files only call or read the members', () => {
    const files = {
      ...hooks,
      'src/other.ts': "import { hooks } from './hooks.js';\nexport const run = (c: any) => hooks.before(c);\nexport const has = typeof hooks.before === 'function';\n",
      'src/workflow.ts': task('hooks.before(ctx)', "import { hooks } from './hooks.js';"),
    };
    expect(flagsOf(files)).toMatchObject({ flags: [], rewritten: true });
  });
});

describe('a function export replaced in another file', () => {
  const drop = { 'src/tidy.ts': 'export function tidy(c: any) {}\n' };
  it.each([
    ['through a namespace import', "import * as t from './tidy.js';\n(t as any).tidy = (c: any) => c.remove('k');\n"],
    ['through a require', "const t = require('./tidy.js');\nt.tidy = (c: any) => c.remove('k');\n"],
    ['through a require inside a function', "export function install() { require('./tidy.js').tidy = (c: any) => c.remove('k'); }\n"],
    ['through Object.assign on the namespace', "import * as t from './tidy.js';\nObject.assign(t, { tidy: (c: any) => c.remove('k') });\n"],
  ])('%s', (_name, patch) => {
    const files = { ...drop, 'src/patch.ts': patch, 'src/workflow.ts': task('tidy(ctx)', "import { tidy } from './tidy.js';\nimport './patch.js';") };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });

  it('module.exports.name given another function later in the module', () => {
    const files = {
      'src/tidy.js': "module.exports = { tidy(c) {} };\nexports.install = function () { module.exports.tidy = (c) => c.remove('k'); };\n",
      'src/workflow.ts': task('tidy(ctx)', "const { tidy } = require('./tidy.js');"),
    };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });
});

describe('a class method patched on the prototype', () => {
  const steps = { 'src/steps.ts': 'export class Steps {\n  prepare(c: any) {}\n}\n' };
  it.each([
    ['in another file', "import { Steps } from './steps.js';\nSteps.prototype.prepare = function (c: any) { c.remove('k'); };\n", 'src/patch.ts'],
    ['with Object.assign in another file', "import { Steps } from './steps.js';\nObject.assign(Steps.prototype, { prepare(c: any) { c.remove('k'); } });\n", 'src/patch.ts'],
  ])('%s', (_name, patch, file) => {
    const files = { ...steps, [file]: patch, 'src/workflow.ts': task('new Steps().prepare(ctx)', "import { Steps } from './steps.js';\nimport './patch.js';") };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });

  it('in the same file', () => {
    const files = { 'src/workflow.ts': task('new Steps().prepare(ctx)', "class Steps {\n  prepare(c: any) {}\n}\nSteps.prototype.prepare = function (c: any) { c.remove('k'); };") };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });

  it('an instance exported and its method assigned in another file', () => {
    const files = {
      'src/steps.ts': 'class Steps {\n  prepare(c: any) {}\n}\nexport const steps = new Steps();\n',
      'src/patch.ts': "import { steps } from './steps.js';\nsteps.prepare = (c: any) => c.remove('k');\n",
      'src/workflow.ts': task('steps.prepare(ctx)', "import { steps } from './steps.js';\nimport './patch.js';"),
    };
    expect(flagsOf(files)).toMatchObject({ flags: ['loader-context-escapes'], rewritten: false });
  });

  it('still rewrites an unpatched class used from other files', () => {
    const files = { ...steps, 'src/other.ts': "import { Steps } from './steps.js';\nexport const s = new Steps();\nexport const ok = s instanceof Steps;\n", 'src/workflow.ts': task('new Steps().prepare(ctx)', "import { Steps } from './steps.js';") };
    expect(flagsOf(files)).toMatchObject({ flags: [], rewritten: true });
  });
});
