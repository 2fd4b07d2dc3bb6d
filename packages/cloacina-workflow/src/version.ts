/** The name stamped on workflows and tasks as their authoring API provenance. */
export const API_NAME = 'cloacina-workflow';

/**
 * This copy's version; a test keeps it equal to package.json. Typed `string`, not the
 * literal, so a release changes its value and not the API's types.
 */
export const API_VERSION: string = '1.0.0';
