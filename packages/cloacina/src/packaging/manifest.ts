// The manifest of a .cloacina package, and its validation (each fault names the field).
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 1;

export interface ManifestTask {
  id: string;
  dependencies: string[];
  description: string;
  /** `file:line` of the task() call in the packed sources, when found. */
  source: string | null;
}

export interface Manifest {
  format: number;
  package: { name: string; version: string; description: string; author: string; tenant: string };
  workflow: string;
  /** The authoring API the workflow was built against. */
  api: { name: string; version: string; range: string };
  bundle: { file: string; sha256: string; bytes: number };
  tasks: ManifestTask[];
  executionOrder: string[];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Checks the shape of a parsed manifest; throws naming the first bad field. */
export function validateManifest(value: unknown): Manifest {
  const fail = (field: string, why: string): never => {
    throw new ManifestError(`manifest.json: ${field} ${why}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('(root)', 'must be an object');
  const m = value as Record<string, any>;
  if (m.format !== MANIFEST_FORMAT) fail('format', `must be ${MANIFEST_FORMAT}, got ${JSON.stringify(m.format)}`);
  for (const key of ['name', 'version', 'description', 'author', 'tenant']) {
    if (!isString(m.package?.[key])) fail(`package.${key}`, 'must be a string');
  }
  if (!/^\d+\.\d+\.\d+/.test(m.package.version)) fail('package.version', `must be major.minor.patch, got ${JSON.stringify(m.package.version)}`);
  if (!isString(m.workflow) || m.workflow === '') fail('workflow', 'must be a non-empty string');
  for (const key of ['name', 'version', 'range']) if (!isString(m.api?.[key])) fail(`api.${key}`, 'must be a string');
  if (!isString(m.bundle?.file) || !/^[\w.-]+\.m?js$/.test(m.bundle.file)) fail('bundle.file', 'must be a plain .js or .mjs file name');
  if (!isString(m.bundle?.sha256) || !/^[0-9a-f]{64}$/.test(m.bundle.sha256)) fail('bundle.sha256', 'must be a hex sha256');
  if (!Number.isInteger(m.bundle?.bytes) || m.bundle.bytes < 0) fail('bundle.bytes', 'must be a byte count');
  if (!Array.isArray(m.tasks) || m.tasks.length === 0) fail('tasks', 'must be a non-empty array');
  m.tasks.forEach((t: Record<string, unknown>, i: number) => {
    if (!isString(t?.id)) fail(`tasks[${i}].id`, 'must be a string');
    if (!isStringArray(t.dependencies)) fail(`tasks[${i}].dependencies`, 'must be an array of task ids');
    if (!isString(t.description)) fail(`tasks[${i}].description`, 'must be a string');
    if (t.source !== null && !isString(t.source)) fail(`tasks[${i}].source`, 'must be a string or null');
  });
  if (!isStringArray(m.executionOrder)) fail('executionOrder', 'must be an array of task ids');
  return m as Manifest;
}
