// The project's single import point for the workflow library.
export { task, packagedWorkflow, Context } from 'cloacina-workflow';
