// Every workflow of the shop, with the initial context each nightly run starts from.
import nightlyOrders, { initialContext as ordersContext } from './nightly-orders.js';
import refunds, { initialContext as refundsContext } from './refunds.js';
import restock, { initialContext as restockContext } from './restock.js';

export const workflows = [
  { workflow: nightlyOrders, initialContext: ordersContext },
  { workflow: restock, initialContext: restockContext },
  { workflow: refunds, initialContext: refundsContext },
];
