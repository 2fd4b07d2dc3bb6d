import { brand, hasBrand, stamp } from './brand.js';
import { validateGraph, WorkflowGraphError } from './graph.js';
import { assertName } from './names.js';
import { TaskNamespace } from './namespace.js';
import { isTask, makeTask, type ApiProvenance, type Task } from './task.js';
import { referencedTasks } from './trigger.js';
import { API_NAME, API_VERSION } from './version.js';

export interface WorkflowOptions {
  /** The workflow's name, unique within its package. */
  name: string;
  /** The package that ships it; defaults to the workflow name. */
  package?: string;
  /** The package version, `major.minor.patch`. */
  version?: string;
  description?: string;
  author?: string;
  tenant?: string;
  tasks: readonly Task[];
}

export interface PackagedWorkflow {
  readonly name: string;
  readonly package: string;
  readonly version: string;
  readonly description: string;
  readonly author: string;
  readonly tenant: string;
  /** Tasks as declared, each stamped with its provenance. */
  readonly tasks: readonly Task[];
  /** Task ids, dependencies first; among ready tasks, declaration order. */
  readonly executionOrder: readonly string[];
  readonly provenance: ApiProvenance;
}

const WORKFLOW = brand('PackagedWorkflow');
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** This copy's provenance stamp. */
export const AUTHORING_PROVENANCE: ApiProvenance = Object.freeze({ api: API_NAME, version: API_VERSION });

/**
 * Declares a workflow from tasks. Checks the graph (duplicate ids, unknown dependencies,
 * cycles, trigger rules that look at tasks that are not dependencies) and stamps the
 * authoring API provenance on the workflow and on every task that has none of its own.
 */
export function packagedWorkflow(options: WorkflowOptions): PackagedWorkflow {
  if (options === null || typeof options !== 'object') throw new TypeError('packagedWorkflow() expects an options object');
  assertName('workflow name', options.name);
  const name = options.name;
  const packageName = options.package ?? name;
  assertName(`workflow ${JSON.stringify(name)} package`, packageName);
  const tenant = options.tenant ?? 'public';
  assertName(`workflow ${JSON.stringify(name)} tenant`, tenant);
  const version = options.version ?? '1.0.0';
  if (typeof version !== 'string' || !VERSION.test(version)) {
    throw new TypeError(`workflow ${JSON.stringify(name)} version must be major.minor.patch, got ${JSON.stringify(version)}`);
  }
  if (!Array.isArray(options.tasks) || options.tasks.length === 0) {
    throw new TypeError(`workflow ${JSON.stringify(name)} must have at least one task`);
  }
  options.tasks.forEach((t, i) => {
    if (!isTask(t)) throw new TypeError(`workflow ${JSON.stringify(name)} tasks[${i}] is not a task made with task()`);
  });
  const executionOrder = validateGraph(name, options.tasks);
  for (const t of options.tasks) {
    if (t.triggerRules === undefined) continue;
    for (const referenced of referencedTasks(t.triggerRules)) {
      if (!t.dependencies.includes(referenced)) {
        throw new WorkflowGraphError(
          `workflow ${JSON.stringify(name)}: task ${JSON.stringify(t.id)} has a trigger rule on ${JSON.stringify(referenced)}, which is not one of its dependencies`,
          [t.id, referenced],
        );
      }
    }
  }
  const tasks = options.tasks.map((t) =>
    t.provenance !== undefined ? t : makeTask({ ...t, provenance: AUTHORING_PROVENANCE }),
  );
  const workflow: PackagedWorkflow = {
    name,
    package: packageName,
    version,
    description: options.description ?? '',
    author: options.author ?? '',
    tenant,
    tasks: Object.freeze(tasks),
    executionOrder: Object.freeze(executionOrder),
    provenance: AUTHORING_PROVENANCE,
  };
  stamp(workflow, WORKFLOW);
  return Object.freeze(workflow);
}

/** True for a workflow made by any copy of cloacina-workflow. */
export function isPackagedWorkflow(value: unknown): value is PackagedWorkflow {
  return hasBrand(value, WORKFLOW);
}

/** The full address of one of the workflow's tasks. */
export function taskNamespace(workflow: PackagedWorkflow, taskId: string): TaskNamespace {
  return new TaskNamespace(workflow.tenant, workflow.package, workflow.name, taskId);
}
