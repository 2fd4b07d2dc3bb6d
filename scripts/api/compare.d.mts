export function reportCode(report: string): string;
export function compareReports(before: string, after: string): { breaks: string[]; additions: string[] };
