// Fires cron schedules. Policy for slots missed while no runner was up: catch up once —
// the most recent missed slot fires, older ones are dropped. A slot is recorded and its
// execution created in one transaction, so no slot fires twice, even across restarts.
import { randomUUID } from 'node:crypto';
import { Context, type JsonValue, type PackagedWorkflow } from 'cloacina-workflow';
import type { NewExecution, Store } from '../dal/types.js';
import type { ExecutionDriver } from '../engine/driver.js';
import { CronExpression } from './expression.js';

export interface CronOptions {
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string;
  /** IANA time zone of the expression's wall clock (default UTC). */
  timezone?: string;
  /** Initial context of every fired execution. */
  context?: Readonly<Record<string, JsonValue>>;
}

interface CronHost {
  intervalMs: number;
  now: () => number;
  start: (execution: NewExecution) => ExecutionDriver;
  workflow: (name: string) => PackagedWorkflow | undefined;
  /** A new execution of `workflow` as this runner creates them (owner, lease, timeout). */
  newExecution: (workflow: PackagedWorkflow, initialContext: string, startedAt: number) => NewExecution;
}

export class CronService {
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking: Promise<ExecutionDriver[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly host: CronHost,
  ) {}

  async add(workflow: string, options: CronOptions): Promise<string> {
    const timezone = options.timezone ?? 'UTC';
    new CronExpression(options.cron, timezone); // validates before anything is stored
    const id = randomUUID();
    await this.store.addSchedule({
      id,
      workflow,
      expression: options.cron,
      timezone,
      context: new Context(options.context ?? {}).encode(),
      lastSlot: this.host.now(),
    });
    return id;
  }

  remove(id: string): Promise<boolean> {
    return this.store.removeSchedule(id);
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.tick().catch(() => {}), this.host.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fires every schedule whose latest slot has not fired yet; returns the started executions. */
  tick(): Promise<ExecutionDriver[]> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<ExecutionDriver[]> {
    const now = this.host.now();
    const started: ExecutionDriver[] = [];
    for (const schedule of await this.store.schedules()) {
      const workflow = this.host.workflow(schedule.workflow);
      if (workflow === undefined) continue;
      const expression = new CronExpression(schedule.expression, schedule.timezone);
      const slot = expression.previous(now, now - schedule.lastSlot);
      if (slot === undefined || slot <= schedule.lastSlot) continue;
      const execution = this.host.newExecution(workflow, schedule.context, now);
      if (await this.store.fireSchedule(schedule.id, slot, execution)) started.push(this.host.start(execution));
    }
    return started;
  }
}
