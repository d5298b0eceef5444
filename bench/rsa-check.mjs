#!/usr/bin/env node
// Cost of the consistency check generateRsaKey runs on every new RSA key (src/pki/rsa.ts,
// rsaKeyProblem: n = p*q, e*d = 1 mod lambda(n), e*dP = 1 mod p-1, e*dQ = 1 mod q-1,
// qInv*q = 1 mod p, sizes), next to the sign/verify self-test for comparison. Keys come from the
// product's generateRsaKey; for each key every step runs REPS times and the per-key mean is kept;
// printed: the median over keys, in microseconds.
//   check        rsaKeyProblem on the decoded integers (BigInt only)
//   export+check key.export(pkcs1 der) + decodeRsaPrivateKey + rsaKeyProblem, as generateRsaKey runs it
//   sign/verify  the self-test: sign('sha256') with the key, verify with its public half
// Uses dist/ (npm run build first).
//
//   node bench/rsa-check.mjs [KEYS=200] [BITS=2048] [REPS=20]

import { createPublicKey, sign, verify } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.argv[2] ?? 200);
const BITS = Number(process.argv[3] ?? 2048);
const REPS = Number(process.argv[4] ?? 20);
const { generateRsaKey, decodeRsaPrivateKey, rsaKeyProblem } = await import(join(repo, 'dist/pki/rsa.js'));

const keys = await Promise.all(Array.from({ length: KEYS }, () => generateRsaKey(BITS)));
const msg = Buffer.from('tskubeadm RSA key generation self-test');
const steps = {
  check: (k, parts) => rsaKeyProblem(parts, BITS),
  'export+check': (k) => rsaKeyProblem(decodeRsaPrivateKey(k.export({ type: 'pkcs1', format: 'der' })), BITS),
  'sign/verify': (k) => verify('sha256', msg, createPublicKey(k), sign('sha256', msg, k)),
};
const times = Object.fromEntries(Object.keys(steps).map((n) => [n, []]));
for (const k of keys) {
  const parts = decodeRsaPrivateKey(k.export({ type: 'pkcs1', format: 'der' }));
  for (const [name, fn] of Object.entries(steps)) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < REPS; i++) {
      const r = fn(k, parts);
      if (r !== undefined && r !== true) throw new Error(`${name}: ${r}`);
    }
    times[name].push(Number(process.hrtime.bigint() - t) / 1000 / REPS);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`node ${process.version}, openssl ${process.versions.openssl}; ${KEYS} RSA-${BITS} keys, ${REPS} repetitions per key`);
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(14)} median ${median(xs).toFixed(1).padStart(8)} us/key`);
