// What the analysis knows about the whole project (the local import graph, which exports
// are cloacina Contexts or helpers that remove keys). A placeholder until that analysis
// exists: a file is analysed on its own.
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ProjectIndex {}
