// Loaded on demand: the analysis cannot see what this module does with the helper.
export async function loadReader() {
  return (await import('./read.js')).readAll;
}
