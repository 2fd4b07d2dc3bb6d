// The full runtime re-exports the authoring API: the very same bindings, never copies.
export * from 'cloacina-workflow';
