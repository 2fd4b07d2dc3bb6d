// Records what a task saw; takes anything with keys().
export function audit(source: { keys(): string[]; set(key: string, value: string): void }): void {
  source.set('audited', source.keys().join(','));
}
