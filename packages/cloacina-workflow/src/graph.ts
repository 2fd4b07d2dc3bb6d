// Graph checks for a workflow's tasks: each failure is an error that names the tasks.

export interface GraphNode {
  readonly id: string;
  readonly dependencies: readonly string[];
}

export class WorkflowGraphError extends TypeError {
  override name = 'WorkflowGraphError';
  /** The tasks at fault: the duplicate id, the task and its unknown dependency, or the cycle. */
  readonly tasks: readonly string[];

  constructor(message: string, tasks: readonly string[]) {
    super(message);
    this.tasks = tasks;
  }
}

/**
 * Checks ids are unique, dependencies exist and there is no cycle; returns an execution
 * order (dependencies first; among ready tasks, declaration order) on success.
 */
export function validateGraph(workflow: string, nodes: readonly GraphNode[]): string[] {
  const byId = new Map<string, GraphNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) {
      throw new WorkflowGraphError(`workflow ${JSON.stringify(workflow)}: duplicate task id ${JSON.stringify(node.id)}`, [node.id]);
    }
    byId.set(node.id, node);
  }
  for (const node of nodes) {
    for (const dependency of node.dependencies) {
      if (!byId.has(dependency)) {
        throw new WorkflowGraphError(
          `workflow ${JSON.stringify(workflow)}: task ${JSON.stringify(node.id)} depends on unknown task ${JSON.stringify(dependency)}`,
          [node.id, dependency],
        );
      }
    }
  }
  const cycle = findCycle(nodes, byId);
  if (cycle !== undefined) {
    throw new WorkflowGraphError(
      `workflow ${JSON.stringify(workflow)} has a dependency cycle: ${cycle.map((id) => JSON.stringify(id)).join(' depends on ')}`,
      cycle,
    );
  }
  return executionOrder(nodes);
}

/** A cycle as a path that starts and ends at the same task, or undefined. */
function findCycle(nodes: readonly GraphNode[], byId: Map<string, GraphNode>): string[] | undefined {
  const DONE = 2;
  const ACTIVE = 1;
  const mark = new Map<string, number>();
  for (const root of nodes) {
    if (mark.has(root.id)) continue;
    // Iterative DFS so a long chain cannot overflow the stack.
    const path: string[] = [];
    const stack: Array<{ id: string; next: number }> = [{ id: root.id, next: 0 }];
    mark.set(root.id, ACTIVE);
    path.push(root.id);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byId.get(frame.id)!.dependencies;
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        const state = mark.get(dep);
        if (state === ACTIVE) return [...path.slice(path.indexOf(dep)), dep];
        if (state === undefined) {
          mark.set(dep, ACTIVE);
          path.push(dep);
          stack.push({ id: dep, next: 0 });
        }
      } else {
        mark.set(frame.id, DONE);
        path.pop();
        stack.pop();
      }
    }
  }
  return undefined;
}

/** Kahn's algorithm, picking ready tasks in declaration order for a stable result. */
function executionOrder(nodes: readonly GraphNode[]): string[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const remaining = nodes.map((n) => n.dependencies.length);
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((node, i) => node.dependencies.forEach((dep) => dependents[index.get(dep)!]!.push(i)));
  const ready = new MinHeap();
  remaining.forEach((count, i) => count === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!.id);
    for (const next of dependents[i]!) if (--remaining[next]! === 0) ready.push(next);
  }
  return order;
}

/** A binary min-heap of declaration positions. */
class MinHeap {
  readonly #items: number[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(value: number): void {
    const items = this.#items;
    items.push(value);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.#items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const child = left + 1 < items.length && items[left + 1]! < items[left]! ? left + 1 : left;
        if (items[child]! >= last) break;
        items[i] = items[child]!;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
