// The join command kubeadm prints (cmd/util/join.go's template), for a given program name, and the
// one-line form `token create --print-join-command` prints. Pure: the endpoint and CA pins come from
// the caller (see joinCommandFromKubeconfig in ../token/joinline.ts).

export interface JoinCommandInput {
  /** "host:port" of the API server: the kubeconfig's server URL with "https://" removed */
  endpoint: string;
  token: string;
  /** "sha256:<hex>" of every CA certificate in the kubeconfig */
  pins: readonly string[];
  controlPlane: boolean;
  certificateKey?: string;
}

/**
 * `<program> join ...` laid out as kubeadm's template does: continuation lines ("\\\n\t") and the
 * trailing spaces after every pin and after --control-plane.
 */
export function joinCommand(i: JoinCommandInput, program = 'tskubeadm'): string {
  let s = `${program} join ${i.endpoint} --token ${i.token} \\\n\t`;
  for (const p of i.pins) s += `--discovery-token-ca-cert-hash ${p} `;
  if (i.controlPlane) {
    s += '\\\n\t--control-plane ';
    if (i.certificateKey) s += `--certificate-key ${i.certificateKey}`;
  }
  return s;
}

/** The machine-readable form: every "\\\n" and every tab removed (kubeadm's strings.ReplaceAll pair). */
export function oneLineJoinCommand(i: JoinCommandInput, program = 'tskubeadm'): string {
  return joinCommand(i, program).replaceAll('\\\n', '').replaceAll('\t', '');
}
