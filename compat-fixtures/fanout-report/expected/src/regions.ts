import * as cloacina from 'cloacina-workflow';

/** One task per region: each contributes its sales and its region name. */
export function regionTask(region: string, sales: number[]): cloacina.Task {
  return cloacina.task({ id: `sales-${region}`, dependencies: ['prepare'] }, (ctx) => {
    const fx = ctx.get('fx') as number;
    ctx.set('regions', [region]);
    ctx.set(`sales.${region}`, sales.reduce((a, b) => a + b, 0) * fx);
    ctx.set('currency', 'EUR');
  });
}
