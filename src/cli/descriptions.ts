// One-line descriptions of the commands whose modules load lazily: the top-level help lists them
// without importing the command (and its phase tree).

export const INIT_DESCRIPTION = 'Set up the Kubernetes control plane on this host';
export const JOIN_DESCRIPTION = 'Run this on any machine you wish to join an existing cluster';
export const TOKEN_DESCRIPTION = 'Manage bootstrap tokens';
export const KUBECONFIG_DESCRIPTION = 'Kubeconfig file utilities';
