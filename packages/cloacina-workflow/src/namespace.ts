import { brand, hasBrand, stamp } from './brand.js';
import { assertName } from './names.js';

const NAMESPACE = brand('TaskNamespace');
const SEPARATOR = '::';
const PARTS = ['tenant', 'package', 'workflow', 'task'] as const;

/** A task's full address: `tenant::package::workflow::task`. */
export class TaskNamespace {
  readonly tenant: string;
  readonly package: string;
  readonly workflow: string;
  readonly task: string;

  constructor(tenant: string, packageName: string, workflow: string, task: string) {
    const values = [tenant, packageName, workflow, task];
    PARTS.forEach((part, i) => assertName(`TaskNamespace ${part}`, values[i]));
    this.tenant = tenant;
    this.package = packageName;
    this.workflow = workflow;
    this.task = task;
    stamp(this, NAMESPACE);
    Object.freeze(this);
  }

  /** Parses `tenant::package::workflow::task`; every part must be present and valid. */
  static parse(text: string): TaskNamespace {
    if (typeof text !== 'string') throw new TypeError(`TaskNamespace.parse expects a string, got ${typeof text}`);
    const parts = text.split(SEPARATOR);
    if (parts.length !== PARTS.length) {
      throw new TypeError(
        `TaskNamespace ${JSON.stringify(text)} must have 4 parts (tenant::package::workflow::task), found ${parts.length}`,
      );
    }
    const [tenant, packageName, workflow, task] = parts as [string, string, string, string];
    return new TaskNamespace(tenant, packageName, workflow, task);
  }

  static isTaskNamespace(value: unknown): value is TaskNamespace {
    return hasBrand(value, NAMESPACE);
  }

  equals(other: TaskNamespace): boolean {
    return this.toString() === other.toString();
  }

  toString(): string {
    return [this.tenant, this.package, this.workflow, this.task].join(SEPARATOR);
  }

  toJSON(): string {
    return this.toString();
  }
}
