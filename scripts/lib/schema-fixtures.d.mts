import type { JsonObject } from 'cloacina-workflow';
export const FIXTURE_DIR: string;
export const WORKFLOW_MODULE: string;
export const T0: number;
export interface FixtureExecution {
  id: string;
  label: string;
  initial: JsonObject;
  done?: string[];
  running?: string[];
  retrying?: string[];
  leased?: boolean;
  finished?: boolean;
}
export const EXECUTIONS: readonly FixtureExecution[];
export const SCHEDULE: { id: string; expression: string; timezone: string; context: JsonObject; lastSlot: number };
export function sqlitePath(version: number): string;
export function postgresPath(version: number): string;
export const TABLES: readonly string[];
export function digest(bytes: Uint8Array): string;
export function fixtureRows(options: Record<string, unknown>): Record<string, Record<string, unknown>[]>;
