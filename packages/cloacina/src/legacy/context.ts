// The v1 Context: the v2 Context plus the lazy dependency loader and the execution scope.
import { Context, type JsonValue } from 'cloacina-workflow';
import { DependencyLoader, type ExecutionScope } from '../engine/runtime-context.js';

export { DependencyLoader, type ExecutionScope };

export class LegacyContext<T extends JsonValue = JsonValue> extends Context<T> {
  #loader: DependencyLoader | undefined;
  #scope: ExecutionScope | undefined;

  /** @deprecated v2 pre-injects dependency outputs; the runtime sets this itself. */
  setDependencyLoader(loader: DependencyLoader): void {
    this.#loader = loader;
  }

  /** @deprecated runtime internal in v2. */
  setExecutionScope(scope: ExecutionScope): void {
    this.#scope = scope;
  }

  /** @deprecated no v2 counterpart for tasks. */
  executionScope(): ExecutionScope | undefined {
    return this.#scope;
  }

  /**
   * @deprecated use `get(key)`: v2 pre-injects every dependency's output.
   * The local value if present; else the last declared dependency's raw value, cached locally.
   */
  loadFromDependenciesAndCache(key: string): T | undefined {
    if (this.has(key)) return this.get(key);
    const found = this.#loader?.find(key) as T | undefined;
    if (found !== undefined) this.set(key, found);
    return found;
  }

  /** A v1 Context with a copy of every entry (and, like any Context made by hand, no loader or scope). */
  override clone(): LegacyContext<T> {
    return new LegacyContext<T>(this);
  }

  /** A v1 Context from a plain object or encoded JSON text, so v1 code can go on using its methods. */
  static override fromJSON<T extends JsonValue = JsonValue>(source: string | Readonly<Record<string, NoInfer<T>>>): LegacyContext<T> {
    return new LegacyContext<T>(Context.fromJSON<T>(source));
  }

  /** @deprecated use `get(key)`. Like loadFromDependenciesAndCache, without caching. */
  getWithDependencies(key: string): T | undefined {
    if (this.has(key)) return this.get(key);
    return this.#loader?.find(key) as T | undefined;
  }
}
