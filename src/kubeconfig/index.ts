// kubeconfig rendering, reading and checks (light: no certificate code). Building files with fresh
// client certificates lives in ./files.js, which loads the PKI code.
export * from './kubeconfig.js';
