import { Runner } from 'cloacina';
import workflow, { initialContext } from './workflow.js';

export async function runOnce(): Promise<string> {
  const runner = await Runner.open({ database: 'payments.db', workflows: [workflow] });
  try {
    return (await (await runner.execute(workflow, initialContext)).result()).status;
  } finally {
    await runner.close();
  }
}
