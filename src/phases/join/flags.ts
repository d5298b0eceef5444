// Flag groups the join phases inherit (kubeadm's per-phase InheritFlags lists).

import type { FlagName } from '../../cli/flags.js';

/** everything discovery reads: a phase that needs the cluster takes these */
export const DISCOVERY_FLAGS: readonly FlagName[] = [
  'discovery-file',
  'discovery-token',
  'discovery-token-ca-cert-hash',
  'discovery-token-unsafe-skip-ca-verification',
  'tls-bootstrap-token',
  'token',
];

/** the flags of the main `join` command */
export const JOIN_FLAGS: readonly FlagName[] = [
  'apiserver-advertise-address',
  'apiserver-bind-port',
  'certificate-key',
  'config',
  'control-plane',
  'cri-socket',
  ...DISCOVERY_FLAGS,
  'dry-run',
  'ignore-preflight-errors',
  'node-name',
  'patches',
];
