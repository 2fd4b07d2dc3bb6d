// Where the API reports live and what the check demands of them: `api/<entry>.api.md`
// must equal what the built packages declare, and `cloacina-workflow` 1.x may only add
// to the API of its last release (`api/released/`), unless its major version changes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { compareReports } from './compare.mjs';
import { entryPoints, extractReports, reportFileName } from './extract.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REPORT_DIR = join(ROOT, 'api');
export const RELEASED_DIR = join(REPORT_DIR, 'released');
export const PACKAGE_DIRS = [join(ROOT, 'packages/cloacina-workflow'), join(ROOT, 'packages/cloacina')];
/** Packages whose minor releases may only add to the API. */
export const GUARDED_PACKAGES = ['cloacina-workflow'];

const RELEASED_LINE = /^Released version: (\S+)$/m;

export function packageVersion(packageName, packageDirs = PACKAGE_DIRS) {
  const dir = packageDirs.find((d) => JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).name === packageName);
  if (dir === undefined) throw new Error(`no package named ${packageName} among ${packageDirs.join(', ')}`);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/** Reports that differ from the built packages: `{ file, problem }`, empty when all match. */
export function staleReports(current, reportDir = REPORT_DIR) {
  const stale = [];
  const expected = new Set();
  for (const [specifier, text] of current) {
    const file = reportFileName(specifier);
    expected.add(file);
    const path = join(reportDir, file);
    if (!existsSync(path)) stale.push({ file, problem: `no report for entry point ${specifier}` });
    else if (readFileSync(path, 'utf8') !== text) stale.push({ file, problem: `the API of ${specifier} changed`, diff: lineDiff(readFileSync(path, 'utf8'), text) });
  }
  const orphans = existsSync(reportDir) ? readdirSync(reportDir).filter((f) => f.endsWith('.api.md') && !expected.has(f)) : [];
  for (const file of orphans) stale.push({ file, problem: 'a report for an entry point that no longer exists' });
  return stale;
}

/** The lines only in `a` (-) and only in `b` (+): enough to see what changed. */
function lineDiff(a, b) {
  const left = a.split('\n');
  const right = b.split('\n');
  const inRight = new Set(right);
  const inLeft = new Set(left);
  return [...left.filter((l) => !inRight.has(l)).map((l) => `- ${l}`), ...right.filter((l) => !inLeft.has(l)).map((l) => `+ ${l}`)];
}

/** The released report of an entry point with its version, or undefined when none. */
export function releasedReport(specifier, releasedDir = RELEASED_DIR) {
  const path = join(releasedDir, reportFileName(specifier));
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const version = RELEASED_LINE.exec(text)?.[1];
  if (version === undefined || semver.valid(version) === null) throw new Error(`${path}: no "Released version: x.y.z" line`);
  return { text, version };
}

/**
 * Breaks of the minor-only-adds rule: for each guarded entry point with a released
 * report, the removals and changes since, unless the package's major version grew.
 */
export function minorRuleViolations(current, { packageDirs = PACKAGE_DIRS, releasedDir = RELEASED_DIR, guarded = GUARDED_PACKAGES } = {}) {
  const violations = [];
  const released = existsSync(releasedDir) ? readdirSync(releasedDir).filter((f) => f.endsWith('.api.md')) : [];
  const entries = entryPoints(packageDirs).filter((e) => guarded.includes(e.packageName));
  for (const packageName of guarded) {
    const version = packageVersion(packageName, packageDirs);
    const ownEntries = entries.filter((e) => e.packageName === packageName);
    // A released entry point that is gone altogether is a removal too.
    const files = new Set(ownEntries.map((e) => reportFileName(e.specifier)));
    for (const file of released) {
      const specifier = file.slice(0, -'.api.md'.length);
      const belongs = specifier === packageName || specifier.startsWith(`${packageName}-`);
      if (!belongs || files.has(file)) continue;
      const was = RELEASED_LINE.exec(readFileSync(join(releasedDir, file), 'utf8'))?.[1];
      if (was !== undefined && semver.major(version) === semver.major(was)) {
        violations.push({ specifier, releasedVersion: was, version, breaks: ['the entry point was removed'] });
      }
    }
    for (const entry of ownEntries) {
      const before = releasedReport(entry.specifier, releasedDir);
      if (before === undefined) continue; // a new entry point: all of it is an addition
      if (semver.major(version) > semver.major(before.version)) continue;
      const { breaks } = compareReports(before.text, current.get(entry.specifier));
      if (breaks.length > 0) violations.push({ specifier: entry.specifier, releasedVersion: before.version, version, breaks });
    }
  }
  return violations;
}

/** The released form of a report: the same text with the version it shipped in. */
export function releasedForm(report, version) {
  return report.replace(/\n\n/, `\n\nReleased version: ${version}\n\n`);
}

export function currentReports(packageDirs = PACKAGE_DIRS) {
  return extractReports(packageDirs);
}
