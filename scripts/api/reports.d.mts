export const ROOT: string;
export const REPORT_DIR: string;
export const RELEASED_DIR: string;
export const PACKAGE_DIRS: readonly string[];
export const GUARDED_PACKAGES: readonly string[];
export interface StaleReport {
  file: string;
  problem: string;
  diff?: string[];
}
export interface Violation {
  specifier: string;
  releasedVersion: string;
  version: string;
  breaks: string[];
}
export function packageVersion(packageName: string, packageDirs?: readonly string[]): string;
export function staleReports(current: ReadonlyMap<string, string>, reportDir?: string): StaleReport[];
export function releasedReport(specifier: string, releasedDir?: string): { text: string; version: string } | undefined;
export function minorRuleViolations(
  current: ReadonlyMap<string, string>,
  options?: { packageDirs?: readonly string[]; releasedDir?: string; guarded?: readonly string[] },
): Violation[];
export function releasedForm(report: string, version: string): string;
export function currentReports(packageDirs?: readonly string[]): Map<string, string>;
