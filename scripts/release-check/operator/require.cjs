// CommonJS code loading the ESM-only runtime (Node >= 20.19): both entry points, and the
// runtime's authoring names are the very same bindings as cloacina-workflow's.
const cloacina = require('cloacina');
const legacy = require('cloacina/legacy');
const workflow = require('cloacina-workflow');

if (typeof cloacina.Runner?.open !== 'function') throw new Error('require("cloacina") has no Runner');
if (typeof legacy.task !== 'function' || legacy.Context === workflow.Context) throw new Error('require("cloacina/legacy") is not the v1 surface');
if (cloacina.Context !== workflow.Context || cloacina.task !== workflow.task) throw new Error('cloacina re-exports other bindings than cloacina-workflow');
console.log(JSON.stringify({ runner: true, legacy: true, sameBindings: true }));
