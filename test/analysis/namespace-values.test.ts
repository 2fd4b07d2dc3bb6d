// A module object used as a value (`run(helpers)`): the helpers it exposes may be called from
// code that is not followed, so their loaders cannot be proven by their callers. Precise where
// the proof is complete: a module object that does not expose the helper, one that is only
// looked at (`Object.keys`, `typeof`), or one handed to a project function that only calls its
// members, leaves the helper proven by its callers.
import { describe, expect, it } from 'vitest';
import { plan } from './support.js';

const helpers = "export function pick(c: any) { return c.getWithDependencies('k'); }\nexport function other() { return 1; }\n";
const workflow = (lines: string) => `import { task } from 'cloacina';\nimport { pick } from './h.js';\n${lines}\ntask({ id: 'a' }, (ctx) => { ctx.set('v', pick(ctx)); });\n`;
const planned = (files: Record<string, string>) => plan({ 'src/h.ts': helpers, ...files }, 'src/h.ts');

describe('proven: the module object cannot reach the helper', () => {
  it.each([
    ['a module that imports the helper without exporting it', "import * as kit from './kit.js';\nimport { run } from 'runner-lib';\nrun(kit);", { 'src/kit.ts': "import { other } from './h.js';\nexport const twice = () => other() * 2;\n" }],
    ['looked at with Object.keys and typeof', "import * as all from './h.js';\nconsole.log(Object.keys(all), typeof all);", {}],
    ['handed to a project function that only calls members', "import * as all from './h.js';\nfunction run(m: typeof all, c: any) { return m.other(); }\nrun(all, 1);", {}],
  ])('%s', (_name, lines, extra) => {
    expect(planned({ 'src/workflow.ts': workflow(lines), ...extra })).toMatchObject({ flags: [], output: expect.stringContaining("c.get('k')") });
  });
});

describe('still flagged: the helper may be called with anything', () => {
  it.each([
    ['handed to another package', "import * as all from './h.js';\nimport { run } from 'runner-lib';\nrun(all);", {}],
    ['re-exported by a module handed to another package', "import * as kit from './kit.js';\nimport { run } from 'runner-lib';\nrun(kit);", { 'src/kit.ts': "export { pick } from './h.js';\n" }],
    ['a project function that hands it on', "import * as all from './h.js';\nimport { run } from 'runner-lib';\nfunction wrap(m: typeof all) { run(m); }\nwrap(all);", {}],
    ['members picked at run time', "import * as all from './h.js';\nconst name = String(Date.now());\n(all as any)[name]({});", {}],
  ])('%s', (_name, lines, extra) => {
    expect(planned({ 'src/workflow.ts': workflow(lines), ...extra }).flags).toEqual(['1 receiver-unknown']);
  });
});
