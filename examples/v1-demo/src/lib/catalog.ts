// What the shop's back office returns, frozen here so every run sees the same data.

export type Order = {
  id: string;
  customer: string;
  price: string;
  quantity: number;
};

export const ORDERS: Order[] = [
  { id: 'o-1001', customer: 'ada', price: '12.30', quantity: 2 },
  { id: 'o-1002', customer: 'grace', price: '99.00', quantity: 1 },
  { id: 'o-1003', customer: 'ada', price: '4.05', quantity: 3 },
  { id: 'o-1004', customer: 'linus', price: 'n/a', quantity: 1 },
  { id: 'o-1005', customer: 'grace', price: '15.50', quantity: 0 },
];

export const STOCK: Record<string, Record<string, number>> = {
  eu: { 'mug-blue': 3, 'mug-red': 40, teapot: 0 },
  us: { 'mug-blue': 25, kettle: 1, teapot: 12 },
};
