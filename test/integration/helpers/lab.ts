// Helpers for tests that drive lab host 1 (test/lab): run commands inside it, wait for conditions,
// and take snapshots of a cluster (API objects) and of the host (files) to compare two inits.
// Helpers on top of test/lab/fixture/labhost.ts for the tskubeadm end-to-end test: run commands on lab
// host 1 with their exit code, wait for a working cluster, and snapshot a cluster (API objects) and the
// host (files) to compare two inits.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LAB, MIN, REPO, eventually, installCni, kubectl, onHost as onHostN } from '../../lab/fixture/labhost.js';

const execFileAsync = promisify(execFile);
export const tskubeadm = join(REPO, 'bin/tskubeadm');
export const kubeadm = join(REPO, '.lab/bin/kubeadm');
/** run a command on lab host 1 */
export const onHost = (args: string[], timeout?: number): Promise<string> => onHostN(1, args, timeout);

/** run a command on lab host 1 and return its exit code and both streams */
export const onHostResult = (args: string[], timeout = 10 * MIN): Promise<{ code: number; stdout: string; stderr: string }> => onHostResultN(1, args, timeout);

/** run a command on lab host n and return its exit code and both streams */
export async function onHostResultN(n: number, args: string[], timeout = 10 * MIN): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(join(LAB, 'exec.sh'), ['-h', String(n), ...args], { cwd: REPO, timeout, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** Remove what `reset` leaves for the user to clean (the lab's CNI config). */
export const removeCniConfig = () => onHost(['rm', '-f', '/etc/cni/net.d/10-tsklab.conflist']);

/** Install the pod network and wait for the node, CoreDNS and kube-proxy. */
export async function networkAndReady(): Promise<void> {
  await installCni(1);
  await kubectl('wait', '--for=condition=Ready', 'node', '--all', '--timeout=180s');
  await eventually(
    'coredns pods',
    async () => ((await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'name')).trim() ? true : undefined),
    2 * MIN,
  );
  await kubectl('-n', 'kube-system', 'wait', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '--timeout=240s');
  await eventually(
    'kube-proxy Running',
    async () => {
      const s = await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-proxy', '-o', 'jsonpath={.items[*].status.phase}');
      return s.trim() === 'Running' ? s : undefined;
    },
    2 * MIN,
  );
}

// ---------------------------------------------------------------------------------------------
// snapshots

type Obj = Record<string, unknown>;
const SERVER_FIELDS = ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation', 'selfLink', 'ownerReferences'];

/** An object with everything the server or the moment decides removed, and secrets' values hidden. */
function normalizeObject(o: Obj, tokenIds: string[]): Obj {
  const c = JSON.parse(JSON.stringify(o)) as Obj;
  const md = (c.metadata ?? {}) as Obj;
  for (const f of SERVER_FIELDS) delete md[f];
  const ann = md.annotations as Obj | undefined;
  if (ann) {
    delete ann['deployment.kubernetes.io/revision'];
    delete ann['deprecated.daemonset.template.generation'];
    delete ann['kubectl.kubernetes.io/last-applied-configuration'];
    if (!Object.keys(ann).length) delete md.annotations;
  }
  delete c.status;
  const spec = c.spec as Obj | undefined;
  if (c.kind === 'Service' && spec) {
    delete spec.clusterIPs;
    if (spec.clusterIP !== '10.96.0.10' && spec.clusterIP !== '10.96.0.1') delete spec.clusterIP;
  }
  let text = JSON.stringify(c);
  for (const [i, id] of tokenIds.entries()) text = text.split(id).join(`<token${i}>`);
  const n = JSON.parse(text) as Obj;
  if (n.kind === 'Secret') {
    n.data = Object.fromEntries(Object.keys((n.data as Obj | undefined) ?? {}).map((k) => [k, '<hidden>']));
  }
  if (n.kind === 'ConfigMap') {
    const data = (n.data ?? {}) as Obj;
    for (const k of Object.keys(data)) {
      if (k === 'ca.crt') data[k] = '<ca>';
      else if (k.startsWith('jws-kubeconfig-')) data[k] = '<jws>';
      else if (typeof data[k] === 'string') {
        data[k] = (data[k] as string)
          .replace(/certificate-authority-data: \S+/g, 'certificate-authority-data: <ca>')
          .replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, '<pem>');
      }
    }
  }
  return n;
}

const NAMESPACED = ['configmaps', 'secrets', 'serviceaccounts', 'roles.rbac.authorization.k8s.io', 'rolebindings.rbac.authorization.k8s.io', 'services', 'deployments.apps', 'daemonsets.apps'];
const CLUSTER = ['clusterroles.rbac.authorization.k8s.io', 'clusterrolebindings.rbac.authorization.k8s.io'];
/** cluster-scoped objects kubeadm creates (the rest come from the API server's bootstrap policy) */
const KUBEADM_CLUSTER_OBJECT = /^(kubeadm:|system:coredns$)/;

/** The kube-system and kube-public objects (plus kubeadm's cluster-scoped RBAC), normalized, keyed "ns/kind/name". */
export async function clusterSnapshot(): Promise<Map<string, Obj>> {
  const out = new Map<string, Obj>();
  const tokenSecrets = JSON.parse(await kubectl('-n', 'kube-system', 'get', 'secrets', '-o', 'json')) as { items: Obj[] };
  // tokens numbered by what they are (their data's keys: a join token before upload-certs' token), then by id,
  // so that the same tokens of two clusters get the same numbers whatever their random ids
  const role = (s: Obj): string => Object.keys((s.data as Obj | undefined) ?? {}).sort().join(',');
  const tokenIds = tokenSecrets.items
    .filter((s) => s.type === 'bootstrap.kubernetes.io/token')
    .map((s) => ({ role: role(s), id: ((s.metadata as Obj).name as string).replace('bootstrap-token-', '') }))
    .sort((a, b) => (a.role === b.role ? (a.id < b.id ? -1 : 1) : a.role < b.role ? -1 : 1))
    .map((t) => t.id);
  for (const ns of ['kube-system', 'kube-public']) {
    const list = JSON.parse(await kubectl('-n', ns, 'get', NAMESPACED.join(','), '-o', 'json')) as { items: Obj[] };
    for (const o of list.items) {
      const n = normalizeObject(o, tokenIds);
      out.set(`${ns}/${n.kind as string}/${(n.metadata as Obj).name as string}`, n);
    }
  }
  const cl = JSON.parse(await kubectl('get', CLUSTER.join(','), '-o', 'json')) as { items: Obj[] };
  for (const o of cl.items) {
    const name = (o.metadata as Obj).name as string;
    if (!KUBEADM_CLUSTER_OBJECT.test(name)) continue;
    const n = normalizeObject(o, tokenIds);
    out.set(`/${n.kind as string}/${name}`, n);
  }
  return out;
}

/** Files kubeadm writes on the host: path -> { mode, content }. Secrets and timestamps are masked. */
export async function hostFilesSnapshot(): Promise<Map<string, { mode: string; content: string }>> {
  const list = await onHost([
    'sh',
    '-c',
    'find /etc/kubernetes /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env /var/lib/kubelet/instance-config.yaml -not -path "/etc/kubernetes/tmp*" -printf "%m %y %p\\n" | sort -k3',
  ]);
  const out = new Map<string, { mode: string; content: string }>();
  for (const line of list.trim().split('\n')) {
    const [mode, type, path] = line.split(' ') as [string, string, string];
    let content = '';
    if (type === 'f') {
      if (path.endsWith('.crt')) {
        content = (await onHost(['openssl', 'x509', '-in', path, '-noout', '-subject', '-issuer', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints'])).trim();
      } else if (path.endsWith('.key') || path.endsWith('.pub')) {
        content = (await onHost(['sh', '-c', `head -1 ${path}`])).trim();
      } else {
        content = (await onHost(['cat', path]))
          .replace(/(client-certificate-data|client-key-data|certificate-authority-data): \S+/g, '$1: <masked>');
      }
    }
    out.set(path, { mode: `${type} ${mode}`, content });
  }
  return out;
}

/** What differs between two snapshots (first: tskubeadm's, second: kubeadm's), one line each. */
export function diffMaps<V>(a: Map<string, V>, b: Map<string, V>): string[] {
  const problems: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (!a.has(k)) problems.push(`only after kubeadm init: ${k}`);
    else if (!b.has(k)) problems.push(`only after tskubeadm init: ${k}`);
    else if (JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))) {
      problems.push(`differs: ${k}\n  tskubeadm: ${JSON.stringify(a.get(k))}\n  kubeadm:   ${JSON.stringify(b.get(k))}`);
    }
  }
  return problems;
}

/**
 * Run a command on lab host n in a process group of its own and SIGKILL the whole group as soon as
 * `pattern` appears in its output (a process killed from outside: nothing of it runs on). Resolves
 * with what it printed; `killed` false when it ended before the pattern appeared.
 */
export function runKilledAt(n: number, args: string[], pattern: string | RegExp, timeout = 5 * MIN): Promise<{ killed: boolean; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(LAB, 'exec.sh'), ['-h', String(n), ...args], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let killed = false;
    const timer = setTimeout(() => kill(), timeout);
    const kill = () => {
      if (killed) return;
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const take = (b: Buffer) => {
      output += b.toString();
      if (typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output)) kill();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ killed, code, output });
    });
  });
}
