// An operator's program: open a SQLite runtime, register a .cloacina package and execute it
// through the Runner API. Prints the execution result as JSON.
import { readFileSync } from 'node:fs';
import { Runner } from 'cloacina';

const [archive, database, context] = process.argv.slice(2);
const runner = await Runner.open({ database });
try {
  const manifest = await runner.registry.register(readFileSync(archive));
  const handle = await runner.executePackage(manifest.package.name, manifest.package.version, JSON.parse(context));
  console.log(JSON.stringify(await handle.result()));
} finally {
  await runner.close();
}
