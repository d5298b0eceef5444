// A static Pod manifest an earlier run left, against the one this configuration writes. The same
// bytes: the earlier run's. A static Pod of the same component (kube-system/<component>) with other
// settings: still the earlier run's, and the phase rewrites it (a note), unless a setting that names
// the cluster itself differs (an identity flag: a conflict). Anything else at that path is not
// recognised, and preflight's FileAvailable check objects to it as kubeadm's does.

import type { Host } from '../../../host/types.js';
import type { Pod } from '../../../manifests/pod.js';
import { sameArgv, type EarlierRunState, type HolderMatch } from './state.js';

/** flags whose change the cluster cannot follow: a conflict rather than a rewrite */
export const IDENTITY_FLAGS: Record<string, readonly string[]> = {
  'kube-apiserver': ['advertise-address', 'service-cluster-ip-range'],
  'kube-controller-manager': ['cluster-name', 'service-cluster-ip-range'],
  'kube-scheduler': [],
  etcd: ['data-dir'],
};

type Obj = Record<string, unknown>;

/** "--name=value" entries of a command as name -> value ("" for a bare flag); the program is "" */
function flagsOf(command: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const [i, a] of command.entries()) {
    if (i === 0) m.set('', a);
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      m.set(eq < 0 ? a.slice(2) : a.slice(2, eq), eq < 0 ? '' : a.slice(eq + 1));
    } else m.set(`#${i}`, a);
  }
  return m;
}

const containerOf = (pod: Obj): Obj | undefined => ((pod.spec as Obj | undefined)?.containers as Obj[] | undefined)?.[0];

export interface ManifestFinding {
  /** the container command on disk (the process the kubelet runs) */
  command: string[];
  /** who may hold the component's ports: its process as on disk, or as this configuration writes it */
  holders: HolderMatch[];
}

/**
 * Checks the manifest at `path`, if it exists, against `expected`: owns it when recognised, with a
 * note or conflicts for what differs; undefined when there is none or it is not recognised.
 */
export async function checkEarlierManifest(state: EarlierRunState, host: Host, path: string, component: string, expected: Pod): Promise<ManifestFinding | undefined> {
  const text = await host.readText(path).catch(() => undefined);
  if (text === undefined) return undefined;
  const { toManifestYaml } = await import('../../../manifests/staticpods.js');
  const { parseGoYaml } = await import('../../../manifests/yamlload.js');
  const wantText = toManifestYaml(expected);
  const want = parseGoYaml(wantText) as Obj;
  const wantCmd = (containerOf(want)?.command as string[] | undefined) ?? [];
  let have: Obj;
  try {
    have = parseGoYaml(text, path) as Obj;
  } catch {
    return undefined;
  }
  const md = (have?.metadata ?? {}) as Obj;
  const c = have && containerOf(have);
  const cmd = c?.command;
  if (have?.kind !== 'Pod' || md.name !== component || md.namespace !== 'kube-system' || c?.name !== component || !Array.isArray(cmd)) return undefined;
  const haveCmd = cmd.map(String);
  state.own(path);
  const found = { command: haveCmd, holders: [sameArgv(haveCmd), sameArgv(wantCmd)] };
  if (text === wantText) return found;

  const a = flagsOf(haveCmd);
  const b = flagsOf(wantCmd);
  const changed: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) === b.get(k)) continue;
    const name = k === '' ? 'the command' : k.startsWith('#') ? `argument ${k.slice(1)}` : `--${k}`;
    if (IDENTITY_FLAGS[component]?.includes(k)) {
      state.conflict(`${path}: ${name} is ${a.get(k) ?? '(not set)'}, this configuration's is ${b.get(k) ?? '(not set)'}`);
    } else changed.push(name);
  }
  // every other field of the Pod: named by its key under the container or the Pod spec
  const rest = (p: Obj) => {
    const copy = JSON.parse(JSON.stringify(p)) as Obj;
    delete containerOf(copy)?.command;
    return copy;
  };
  const ha = rest(have);
  const wa = rest(want);
  for (const [where, x, y] of [
    ['', containerOf(ha) ?? {}, containerOf(wa) ?? {}],
    ['spec.', (ha.spec ?? {}) as Obj, (wa.spec ?? {}) as Obj],
    ['', ha, wa],
  ] as [string, Obj, Obj][]) {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (k === 'containers' || k === 'spec' || JSON.stringify(x[k]) === JSON.stringify(y[k])) continue;
      changed.push(`${where}${k}`);
    }
  }
  if (changed.length) state.notes.push(`${path} has other settings than this configuration's (${[...new Set(changed)].join(', ')}): it is written again`);
  return found;
}
