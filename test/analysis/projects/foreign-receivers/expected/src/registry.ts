// A small service registry of this project (not a workflow context).
export class Registry {
  #services = new Map<string, string>();
  #loader: ((name: string) => string) | undefined;

  setDependencyLoader(loader: (name: string) => string): void {
    this.#loader = loader;
  }

  get(name: string): string {
    return this.#services.get(name) ?? 'missing';
  }

  getWithDependencies(name: string): string {
    return this.#services.get(name) ?? this.#loader?.(name) ?? 'missing';
  }
}
