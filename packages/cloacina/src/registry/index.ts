export { Registry, type RegisteredPackage } from './registry.js';
