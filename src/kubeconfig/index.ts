// kubeconfig rendering, reading and checks (light: no @peculiar/x509). Building files with fresh
// client certificates lives in ./files.js, which loads the PKI code.
export * from './kubeconfig.js';
