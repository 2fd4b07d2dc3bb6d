export { pack, describeWorkflow, BUNDLE_FILE, type PackOptions, type PackResult } from './pack.js';
export { readArchive, writeArchive, DEFAULT_LIMITS, type ArchiveLimits, type PackageContents } from './archive.js';
export { loadBundle, checkApiCompatibility, PackageLoadError } from './load.js';
export { checkPackage, openPackage, type PackageLoadOptions } from './open.js';
export { ManifestError, validateManifest, type Manifest, type ManifestTask } from './manifest.js';
export { ArchiveError } from './tar.js';
export { generateSigningKeys, keyId, SignatureError, type KeyInput, type SignaturePolicy } from './signing.js';
