export interface TaskRun {
  state: string;
  attempts: number;
  error: string | null;
  output: unknown;
}
export type Runs = Record<string, { status: string; tasks: Record<string, TaskRun> }>;
export interface RunRow {
  workflow: string;
  task: string;
  before: string;
  after: string;
  same: boolean;
}
export const EXAMPLES: string;
export const DEMO: string;
export const DEMO_REVIEWED: string;
export function copyProject(from: string, to: string): void;
export function commitAll(dir: string, message: string): void;
export function pointAtLegacy(dir: string): string[];
export function buildAndRun(dir: string, options: { tsc: string; database: string }): Promise<Runs>;
export function compareRuns(before: Runs, after: Runs): RunRow[];
export function table(header: readonly string[], rows: ReadonlyArray<readonly unknown[]>): string;
