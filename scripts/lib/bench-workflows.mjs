// The benchmark workloads' workflows, shared by the benchmark and its runner processes.
import { packagedWorkflow, task } from 'cloacina';

const noop = () => {};

export function benchWorkflows(scale = Number(process.env.BENCH_SCALE ?? 1)) {
  const wideSize = Math.round(10_000 * scale);
  const chainSize = Math.round(1_000 * scale);
  return {
    wide: packagedWorkflow({ name: 'bench-wide', tasks: Array.from({ length: wideSize }, (_, i) => task({ id: `t${i}` }, noop)) }),
    chain: packagedWorkflow({
      name: 'bench-chain',
      tasks: Array.from({ length: chainSize }, (_, i) => task({ id: `t${i}`, dependencies: i === 0 ? [] : [`t${i - 1}`] }, noop)),
    }),
    small: packagedWorkflow({
      name: 'bench-small',
      tasks: Array.from({ length: 10 }, (_, i) => task({ id: `t${i}`, dependencies: i === 0 ? [] : [`t${Math.floor((i - 1) / 3)}`] }, noop)),
    }),
  };
}
