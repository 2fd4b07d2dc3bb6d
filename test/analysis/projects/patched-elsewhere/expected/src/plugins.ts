// A plugin that replaces the extension points from outside their module (one through the barrel).
import { hooks, Steps } from './hooks.js';
import { cleaner } from './index.js';

hooks.before = (c) => {
  c.remove('token');
};
Object.assign(Steps.prototype, {
  prepare(c: { remove(k: string): unknown }) {
    c.remove('rows');
  },
});
export function install(): void {
  cleaner.run = (c) => c.remove('limit');
}
install();
