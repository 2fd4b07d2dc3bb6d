export { Registry, type RegisteredPackage, type RegistryOptions } from './registry.js';
