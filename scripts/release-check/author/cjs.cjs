// An author's CommonJS module: require() of the ESM-only package (Node >= 20.19).
const { Context, packagedWorkflow, task } = require('cloacina-workflow');
const { runTask } = require('cloacina-workflow/testing');

const greet = task({ id: 'greet' }, (ctx) => ctx.set('greeting', `hello ${ctx.get('name')}`));
const workflow = packagedWorkflow({ name: 'cjs-journey', tasks: [greet] });

module.exports = { Context, workflow };

if (require.main === module) {
  runTask(greet, { initialContext: { name: 'cjs' } }).then((result) => {
    if (result.status !== 'Completed' || result.context.get('greeting') !== 'hello cjs') {
      throw new Error(`runTask(greet) gave ${JSON.stringify(result)}`);
    }
    console.log(JSON.stringify({ workflow: workflow.name, greeting: result.context.get('greeting') }));
  });
}
