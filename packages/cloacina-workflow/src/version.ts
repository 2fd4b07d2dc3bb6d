/** The name stamped on workflows and tasks as their authoring API provenance. */
export const API_NAME = 'cloacina-workflow';

/** This copy's version; a test keeps it equal to package.json. */
export const API_VERSION = '1.0.0';
