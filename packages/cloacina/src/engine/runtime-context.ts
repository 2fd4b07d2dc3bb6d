// Runtime internals around a task's context: where it runs (the execution scope) and
// how to reach its dependencies' raw outputs (the dependency loader). v2 tasks never
// see these; the v1 legacy Context exposes them through its old methods.
import { Context, type JsonValue } from 'cloacina-workflow';

export interface ExecutionScope {
  readonly workflowExecutionId: string;
  readonly taskExecutionId: string;
  /** The task's full namespace, `tenant::package::workflow::task`. */
  readonly taskName: string;
}

/** The completed dependencies' output contexts, in the task's declared dependency order. */
export class DependencyLoader {
  readonly #outputs: ReadonlyArray<readonly [string, Context]>;

  constructor(outputs: Iterable<readonly [string, Context | Readonly<Record<string, JsonValue>>]>) {
    this.#outputs = [...outputs].map(([id, ctx]) => [id, ctx instanceof Context ? ctx : new Context(ctx)] as const);
  }

  /** The raw value of `key` in the last declared dependency that has it (v1 search order). */
  find(key: string): JsonValue | undefined {
    for (let i = this.#outputs.length - 1; i >= 0; i--) {
      const output = this.#outputs[i]![1];
      if (output.has(key)) return output.get(key);
    }
    return undefined;
  }

  get taskIds(): string[] {
    return this.#outputs.map(([id]) => id);
  }
}

/** A task's context together with the runtime facts the executor keeps beside it. */
export class RuntimeContext {
  constructor(
    readonly context: Context,
    readonly scope: ExecutionScope,
    readonly loader: DependencyLoader,
  ) {}
}
