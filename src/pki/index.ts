// The PKI API (node:crypto and our own DER code). For help texts and the certificate table
// alone, import ./specs.js, which has no crypto dependencies.
export * from './specs.js';
export * from './keys.js';
export * from './load.js';
export * from './certs.js';
export * from './verify.js';
export * from './pin.js';
export { parseGoDuration } from './duration.js';
