// The full runtime re-exports the authoring API: the very same bindings, never copies.
export * from 'cloacina-workflow';

export { Runner, executeInMemory } from './runner.js';
export type { ControlResult, EventListener, ExecutionHandle, RunnerOptions, SharedOptions } from './runner.js';
export type { ExecutionEvent, ExecutionEventType } from './dal/events.js';
export type { TelemetryProviders } from './telemetry/otel.js';
export type { ExecutionResult, TaskResult } from './engine/result.js';
export { RuntimeContext, DependencyLoader } from './engine/runtime-context.js';
export type { ExecutionScope } from './engine/runtime-context.js';
export { SqliteStore, DatabaseError } from './dal/sqlite/store.js';
export { PostgresStore } from './dal/postgres/store.js';
export { MemoryStore } from './dal/memory.js';
export type * from './dal/types.js';
export { CronExpression } from './cron/expression.js';
export type { CronOptions, ScheduleInfo, ScheduleUpdate } from './cron/service.js';
export * from './packaging/index.js';
export * from './registry/index.js';
