// Fan-out / fan-in: prepare, one task per region in parallel, then one report.
import { packagedWorkflow, task, when } from 'cloacina-workflow';
import { regionTask } from './regions.js';

export const prepare = task({ id: 'prepare' }, (ctx) => {
  ctx.set('fx', ctx.get('rate') ?? 1);
});

const regions = [regionTask('north', [10, 20]), regionTask('south', [5]), regionTask('west', [1, 2, 3])];

export const report = task(
  { id: 'report', dependencies: regions, triggerRules: when.all(when.context('currency', 'equals', 'EUR')) },
  (ctx) => {
    const names = ctx.get('regions') as string[];
    const total = names.reduce((sum, r) => sum + (ctx.get(`sales.${r}`) as number), 0);
    ctx.set('summary', { regions: names, total });
  },
);

export const initialContext = { rate: 2 };

export default packagedWorkflow({ name: 'regional-report', package: 'regional-report', version: '0.9.0', tasks: [prepare, ...regions, report] });
