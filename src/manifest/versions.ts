/** The releases a migration targets; a test keeps them equal to the packages' own versions. */
export const TARGET_AUTHORING_VERSION = '1.0.0';
export const TARGET_RUNTIME_VERSION = '2.0.0';
