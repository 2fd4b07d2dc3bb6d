#!/usr/bin/env node
// API reports of every entry point (api/*.api.md), from the built packages' types.
//   node scripts/api-report.mjs check     fail when a report is stale or a guarded package broke its API
//   node scripts/api-report.mjs update    rewrite the reports (refused when the change breaks the 1.x rule)
//   node scripts/api-report.mjs release   record the current reports of the guarded packages as released
// Run `npm run build` first: the reports come from dist/*.d.ts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { reportFileName } from './api/extract.mjs';
import {
  GUARDED_PACKAGES,
  RELEASED_DIR,
  REPORT_DIR,
  ROOT,
  currentReports,
  minorRuleViolations,
  packageVersion,
  releasedForm,
  staleReports,
} from './api/reports.mjs';

const command = process.argv[2] ?? 'check';
const rel = (p) => relative(ROOT, p);

function printViolations(violations) {
  for (const v of violations) {
    console.error(`${v.specifier} ${v.version} breaks the API of its release ${v.releasedVersion} (a minor release may only add):`);
    for (const b of v.breaks) console.error(`  - ${b}`);
  }
  console.error('Keep the released API (add an overload or an optional member instead), or make this a new major version.');
}

const current = currentReports();
const violations = minorRuleViolations(current);

if (command === 'check') {
  const stale = staleReports(current);
  for (const s of stale) {
    console.error(`${rel(join(REPORT_DIR, s.file))}: ${s.problem}`);
    for (const line of s.diff ?? []) console.error(`    ${line}`);
  }
  if (stale.length > 0) console.error('Run `npm run api:update` and commit the reports with the change.');
  if (violations.length > 0) printViolations(violations);
  if (stale.length === 0 && violations.length === 0) console.log(`API reports up to date (${current.size} entry points).`);
  process.exitCode = stale.length > 0 || violations.length > 0 ? 1 : 0;
} else if (command === 'update') {
  if (violations.length > 0) {
    printViolations(violations);
    console.error('Nothing written.');
    process.exitCode = 1;
  } else {
    mkdirSync(REPORT_DIR, { recursive: true });
    for (const s of staleReports(current)) {
      if (s.problem.startsWith('a report for an entry point')) rmSync(join(REPORT_DIR, s.file));
    }
    for (const [specifier, text] of current) writeFileSync(join(REPORT_DIR, reportFileName(specifier)), text);
    console.log(`Wrote ${current.size} API reports to ${rel(REPORT_DIR)}/.`);
  }
} else if (command === 'release') {
  if (staleReports(current).length > 0 || violations.length > 0) {
    console.error('The reports are not up to date or break the 1.x rule; run `npm run api:check` first.');
    process.exitCode = 1;
  } else {
    mkdirSync(RELEASED_DIR, { recursive: true });
    for (const [specifier, text] of current) {
      const packageName = GUARDED_PACKAGES.find((p) => specifier === p || specifier.startsWith(`${p}/`));
      if (packageName === undefined) continue;
      const version = packageVersion(packageName);
      writeFileSync(join(RELEASED_DIR, reportFileName(specifier)), releasedForm(text, version));
      console.log(`${specifier}: recorded as released in ${version}`);
    }
  }
} else {
  console.error(`unknown command ${JSON.stringify(command)}; use check, update or release`);
  process.exitCode = 2;
}
