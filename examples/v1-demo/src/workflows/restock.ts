// Restock: count low stock in both warehouses at once, then order more only when
// something is low.
import { task, packagedWorkflow, when, type Context } from 'cloacina';
import { STOCK } from '../lib/catalog.js';

function lowStock(ctx: Context, warehouse: string): void {
  const threshold = ctx.get('threshold') as number;
  const low = Object.entries(STOCK[warehouse] ?? {})
    .filter(([, count]) => count < threshold)
    .map(([sku]) => `${warehouse}:${sku}`);
  ctx.set('low', low);
}

export const countEu = task({ id: 'count-eu' }, (ctx) => lowStock(ctx, 'eu'));
export const countUs = task({ id: 'count-us' }, (ctx) => lowStock(ctx, 'us'));

export const planOrder = task({ id: 'plan-order', dependencies: [countEu, countUs] }, (ctx) => {
  // The low lists of both warehouses, concatenated in dependency order.
  const low = ctx.loadFromDependenciesAndCache('low') as string[];
  ctx.set('lowCount', low.length);
});

export const placeOrder = task(
  {
    id: 'place-order',
    dependencies: [planOrder],
    triggerRules: when.all(when.context('lowCount', 'greaterThan', 0)),
  },
  (ctx) => {
    const low = ctx.getWithDependencies('low') as string[];
    ctx.set('purchaseOrder', { lines: low.map((sku) => ({ sku, quantity: 20 })) });
  },
);

export const initialContext = { threshold: 5 };

export default packagedWorkflow({
  name: 'restock',
  package: 'acme-shop',
  version: '1.3.0',
  tasks: [countEu, countUs, planOrder, placeOrder],
});
