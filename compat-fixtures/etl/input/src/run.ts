import { Runner } from 'cloacina';
import workflow, { initialContext } from './workflow.js';

const runner = await Runner.open({ database: 'etl.db', workflows: [workflow] });
const result = await (await runner.execute(workflow, initialContext)).result();
console.log(result.status);
await runner.close();
