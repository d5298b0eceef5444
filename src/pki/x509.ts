// Loads @peculiar/x509 (and reflect-metadata before it) once, wired to Node's WebCrypto.
// Only modules on the PKI path import this file.

import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0] & object);

export { x509 };
