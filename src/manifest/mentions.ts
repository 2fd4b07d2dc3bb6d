// The cheap test run on every package.json before anything is parsed: most never name
// cloacina, and the planner (semver and all) is not even loaded for them.

/** Whether a manifest's text names cloacina: spelled out, or spelled with `\u` escapes (JSON allows them in keys). */
export function mayNameRuntime(text: string): boolean {
  if (text.includes('cloacina')) return true;
  return text.includes('\\u') && text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).includes('cloacina');
}
