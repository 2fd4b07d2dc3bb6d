// Extension points: do nothing until a plugin fills them in.
export const hooks = {
  before(c: { remove(k: string): unknown }) {},
};

export class Steps {
  prepare(c: { remove(k: string): unknown }) {}
}

export const cleaner = {
  run(c: { remove(k: string): unknown }) {},
};
