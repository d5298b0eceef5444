// The SystemVerification check: what k8s.io/system-validators (v1.12.1, as vendored by kubeadm
// 1.37) verifies on Linux — kernel release and config, OS name, cgroup controllers — read through
// the Host so that it works under --rootfs and in tests.
import { gunzipSync } from 'node:zlib';
import type { Host } from '../host/types.js';
import { goExecError, goQuote } from './goutil.js';

interface KernelConfig {
  name: string;
  aliases?: string[];
  description?: string;
}

/** system-validators' DefaultSysSpec for Linux */
export const DEFAULT_SYS_SPEC = {
  os: 'Linux',
  kernel: {
    versions: [/^5\.4.*$/, /^5\.10.*$/, /^5\.15.*$/, /^([6-9]|[1-9][0-9]+)\.([0-9]+)\.([0-9]+).*$/],
    versionsNote:
      'Supported LTS versions from the 5.x series are 5.4, 5.10 and 5.15. Any 6.x version is also supported. For cgroups v2 support, the recommended version is 5.10 or newer',
    required: [
      { name: 'NAMESPACES' },
      { name: 'NET_NS' },
      { name: 'PID_NS' },
      { name: 'IPC_NS' },
      { name: 'UTS_NS' },
      { name: 'CPUSETS' },
      { name: 'MEMCG' },
      { name: 'INET' },
      { name: 'EXT4_FS' },
      { name: 'PROC_FS' },
      { name: 'NETFILTER_XT_TARGET_REDIRECT', aliases: ['IP_NF_TARGET_REDIRECT'] },
      { name: 'NETFILTER_XT_MATCH_COMMENT' },
      { name: 'FAIR_GROUP_SCHED' },
    ] as KernelConfig[],
    requiredCgroupsV1: [
      { name: 'CGROUPS', description: 'Required for cgroups.' },
      { name: 'CGROUP_CPUACCT', description: 'Required for cpuacct controller, used in simple CPU accounting controller.' },
      { name: 'CGROUP_DEVICE', description: 'Required for device controller.' },
      { name: 'CGROUP_FREEZER', description: 'Required for freezer controller.' },
      { name: 'CGROUP_PIDS', description: 'Required for PIDs controller.' },
      { name: 'CGROUP_SCHED', description: 'Required for CPU controller.' },
    ] as KernelConfig[],
    requiredCgroupsV2: [
      { name: 'CGROUPS', description: 'Required for cgroups.' },
      { name: 'CGROUP_BPF', description: 'Required for eBPF programs attached to cgroups, used in device controller.' },
      { name: 'CGROUP_PIDS', description: 'Required for PIDs controller.' },
      { name: 'CGROUP_SCHED', description: 'Required for CPU controller.' },
    ] as KernelConfig[],
    optional: [
      { name: 'OVERLAY_FS', aliases: ['OVERLAYFS_FS'], description: 'Required for overlayfs.' },
      { name: 'AUFS_FS', description: 'Required for aufs.' },
      { name: 'BLK_DEV_DM', description: 'Required for devicemapper.' },
      { name: 'CFS_BANDWIDTH', description: 'Required for CPU quota.' },
      { name: 'SECCOMP', description: 'Required for seccomp.' },
      { name: 'SECCOMP_FILTER', description: 'Required for seccomp mode 2.' },
    ] as KernelConfig[],
    forbidden: [] as KernelConfig[],
  },
  cgroups: ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'],
  cgroupsOptional: ['hugetlb', 'blkio'],
  cgroupsV2: ['cpu', 'cpuset', 'devices', 'freezer', 'memory', 'pids'],
  cgroupsV2Optional: ['hugetlb', 'io'],
};

type Result = 'good' | 'bad' | 'warn';
const COLORS: Record<Result, number> = { good: 32, bad: 31, warn: 33 };
const colorize = (s: string, c: number) => `\x1b[0;${c}m${s}\x1b[0m`;

/** system-validators' StreamReporter line: "<KEY>: <value>" with ANSI colours */
class Reporter {
  text = '';
  report(key: string, value: string, result: Result): void {
    this.text += `${colorize(key, 37)}: ${colorize(value, COLORS[result])}\n`;
  }
}

interface Validation {
  warnings: string[];
  errors: string[];
}

/** Go's *PathError text for a failed open/stat */
function pathError(op: string, path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const text =
    code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'ENOTDIR' ? 'not a directory' : String((e as Error)?.message ?? e);
  return `${op} ${path}: ${text}`;
}

async function readText(host: Host, path: string): Promise<string> {
  try {
    return await host.readText(path);
  } catch (e) {
    throw new Error(pathError('open', path, e));
  }
}

/** kernel release and OS name as uname(2) reports them (read from /proc/sys/kernel) */
async function uname(host: Host, field: 'osrelease' | 'ostype'): Promise<string> {
  return (await readText(host, `/proc/sys/kernel/${field}`)).trim();
}

// ---- cgroup mount detection ----

async function unifiedMountpoint(host: Host): Promise<{ mountpoint: string; v2: boolean }> {
  const mounts = await readText(host, '/proc/mounts');
  let v1Mount = '';
  for (const line of mounts.split('\n')) {
    if (!line.includes('cgroup')) continue;
    const f = line.trim().split(/\s+/);
    if (f.length < 3) continue;
    if (f[1] === '/sys/fs/cgroup') {
      if (f[2] === 'tmpfs') {
        const st = await host.stat('/sys/fs/cgroup/memory');
        return { mountpoint: '/sys/fs/cgroup', v2: !st || !st.isDirectory };
      }
      return { mountpoint: '/sys/fs/cgroup', v2: f[2] === 'cgroup2' };
    }
    if (f[2] === 'cgroup2') return { mountpoint: f[1]!, v2: true };
    if (f[2] === 'cgroup' && v1Mount === '') v1Mount = f[1]!;
  }
  if (v1Mount !== '') return { mountpoint: v1Mount, v2: false };
  throw new Error(`cannot get a cgroupfs mount point from "/proc/mounts"`);
}

// ---- kernel ----

async function kernelConfigText(host: Host, release: string): Promise<string> {
  const paths = [
    '/proc/config.gz',
    `/boot/config-${release}`,
    `/usr/src/linux-${release}/.config`,
    '/usr/src/linux/.config',
    `/usr/lib/modules/${release}/config`,
    `/usr/lib/ostree-boot/config-${release}`,
    `/usr/lib/kernel/config-${release}`,
    `/usr/src/linux-headers-${release}/.config`,
    `/lib/modules/${release}/build/.config`,
  ];
  let loadedModule = false;
  try {
    for (;;) {
      for (const p of paths) {
        if (!(await host.stat(p))) continue;
        const data = await host.readFile(p);
        return p.endsWith('.gz') ? gunzipSync(data).toString('utf8') : data.toString('utf8');
      }
      if (loadedModule) break;
      // the config may be exposed by the "configs" module as /proc/config.gz
      const r = await host.exec('modprobe', ['configs']);
      if (r.exitCode !== 0) {
        const output = r.stdout + r.stderr;
        throw new Error(`unable to load kernel module: "configs", output: ${goQuote(output)}, err: ${goExecError('modprobe', r)}`);
      }
      loadedModule = true;
    }
  } finally {
    if (loadedModule) await host.exec('modprobe', ['-r', 'configs']);
  }
  throw new Error(`no config path in [${paths.join(' ')}] is available`);
}

function parseKernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!/^CONFIG_[A-Z0-9_]+=[myn]/.test(line)) continue;
    const [k, v] = line.split('=') as [string, string];
    out.set(k, v[0]!);
  }
  return out;
}

async function validateKernel(host: Host, rep: Reporter): Promise<Validation> {
  let release: string;
  try {
    release = await uname(host, 'osrelease');
  } catch (e) {
    return { warnings: [], errors: [`failed to get kernel release: ${(e as Error).message}`] };
  }
  const spec = DEFAULT_SYS_SPEC.kernel;
  const warnings: string[] = [];
  const errors: string[] = [];
  if (spec.versions.some((re) => re.test(release))) {
    rep.report('KERNEL_VERSION', release, 'good');
  } else {
    rep.report('KERNEL_VERSION', release, 'bad');
    warnings.push(`kernel release ${release} is unsupported. ${spec.versionsNote}`);
  }

  let config: Map<string, string>;
  try {
    config = parseKernelConfig(await kernelConfigText(host, release));
  } catch (e) {
    errors.push(`failed to parse kernel config: ${(e as Error).message}`);
    return { warnings, errors };
  }

  const bad: string[] = [];
  const record = (name: string, msg: string, desc: string | undefined, result: Result) => {
    if (result === 'bad') bad.push(name);
    rep.report(name, result !== 'good' && desc ? `${msg} - ${desc}` : msg, result);
  };
  const check = (cfg: KernelConfig, expect: 'required' | 'optional' | 'forbidden') => {
    const [found, missing]: [Result, Result] =
      expect === 'required' ? ['good', 'bad'] : expect === 'optional' ? ['good', 'warn'] : ['bad', 'good'];
    let name = '';
    let opt: string | undefined;
    for (const n of [cfg.name, ...(cfg.aliases ?? [])]) {
      name = `CONFIG_${n}`;
      opt = config.get(name);
      if (opt !== undefined) break;
    }
    if (opt === undefined) return record(name, 'not set', cfg.description, missing);
    if (opt === 'y') return record(name, 'enabled', cfg.description, found);
    if (opt === 'm') return record(name, 'enabled (as module)', cfg.description, found);
    if (opt === 'n') return record(name, 'disabled', cfg.description, missing);
    return record(name, `unknown option: ${opt}`, cfg.description, missing);
  };
  for (const c of spec.required) check(c, 'required');
  let v2: boolean;
  try {
    v2 = (await unifiedMountpoint(host)).v2;
  } catch (e) {
    errors.push(`failed to get unified mountpoint: ${(e as Error).message}`);
    return { warnings, errors };
  }
  for (const c of v2 ? spec.requiredCgroupsV2 : spec.requiredCgroupsV1) check(c, 'required');
  for (const c of spec.optional) check(c, 'optional');
  for (const c of spec.forbidden) check(c, 'forbidden');
  if (bad.length > 0) errors.push(`unexpected kernel config: ${bad.join(' ')}`);
  return { warnings, errors };
}

// ---- OS ----

async function validateOS(host: Host, rep: Reporter): Promise<Validation> {
  let os: string;
  try {
    os = await uname(host, 'ostype');
  } catch (e) {
    return { warnings: [], errors: [`failed to get OS name: ${(e as Error).message}`] };
  }
  if (os !== DEFAULT_SYS_SPEC.os) {
    rep.report('OS', os, 'bad');
    return { warnings: [], errors: [`unsupported operating system: ${os}`] };
  }
  rep.report('OS', os, 'good');
  return { warnings: [], errors: [] };
}

// ---- cgroups ----

export const CGROUP_V1_MESSAGE =
  'cgroups v1 support is deprecated and will be removed in a future release. ' +
  'Please migrate to cgroups v2. To explicitly enable cgroups v1 support for kubelet v1.35 or newer, ' +
  "you must set the kubelet configuration option 'FailCgroupV1' to 'false'. You must also explicitly " +
  'skip this validation. For more information, see https://git.k8s.io/enhancements/keps/sig-node/5573-remove-cgroup-v1';

async function v1Subsystems(host: Host): Promise<string[]> {
  const text = await readText(host, '/proc/cgroups');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const p = line.trim().split(/\s+/);
    if (p.length >= 4 && p[3] !== '0') out.push(p[0]!);
  }
  return out;
}

async function v2Subsystems(host: Host, mount: string): Promise<{ subsystems: string[]; warning?: string }> {
  const subsystems = ['devices'];
  let warning: string | undefined;
  // the freezer is usable when a new child cgroup gets a cgroup.freeze file
  const dir = `${mount}/freezer-test${Math.floor(Math.random() * 1e9)}`;
  try {
    await host.mkdirp(dir, 0o700);
    try {
      if (await host.stat(`${dir}/cgroup.freeze`)) subsystems.push('freezer');
    } finally {
      try {
        await host.remove(dir);
      } catch (e) {
        warning = `error removing directory "${dir}": ${(e as Error).message}`;
      }
    }
  } catch (e) {
    warning = warning ?? (e as Error).message;
  }
  const controllers = await readText(host, `${mount}/cgroup.controllers`);
  subsystems.push(...controllers.split(/\s+/).filter(Boolean));
  return warning === undefined ? { subsystems } : { subsystems, warning };
}

async function validateCgroups(host: Host, rep: Reporter, kubeletVersion: string): Promise<Validation> {
  let mount: { mountpoint: string; v2: boolean };
  try {
    mount = await unifiedMountpoint(host);
  } catch (e) {
    return { warnings: [], errors: [`cannot get a cgroup mount point: ${(e as Error).message}`] };
  }
  let warnings: string[] = [];
  let errors: string[] = [];
  let subsystems: string[];
  let required: string[];
  let optional: string[];
  if (mount.v2) {
    try {
      const r = await v2Subsystems(host, mount.mountpoint);
      subsystems = r.subsystems;
      if (r.warning) warnings.push(r.warning);
    } catch (e) {
      return { warnings: [], errors: [`failed to get cgroups v2 subsystems: ${(e as Error).message}`] };
    }
    required = DEFAULT_SYS_SPEC.cgroupsV2;
    optional = DEFAULT_SYS_SPEC.cgroupsV2Optional;
  } else {
    // kubelet 1.35 and newer refuse cgroup v1 unless told otherwise: an error, not a warning
    const kv = /^(\d+)\.(\d+)\.(\d+)/.exec(kubeletVersion);
    const v1Disabled = kv ? Number(kv[1]) > 1 || (Number(kv[1]) === 1 && Number(kv[2]) >= 35) : false;
    (v1Disabled ? errors : warnings).push(CGROUP_V1_MESSAGE);
    try {
      subsystems = await v1Subsystems(host);
    } catch (e) {
      return { warnings: [], errors: [`failed to get cgroups v1 subsystems: ${(e as Error).message}`] };
    }
    required = DEFAULT_SYS_SPEC.cgroups;
    optional = DEFAULT_SYS_SPEC.cgroupsOptional;
  }
  const validate = (list: string[], isRequired: boolean) => {
    const missing: string[] = [];
    for (const cg of list) {
      const item = `CGROUPS_${cg.toUpperCase()}`;
      if (subsystems.includes(cg)) {
        rep.report(item, 'enabled', 'good');
        continue;
      }
      rep.report(item, 'missing', isRequired ? 'bad' : 'warn');
      missing.push(cg);
    }
    return missing;
  };
  const missingRequired = validate(required, true);
  // (upstream replaces, not appends to, the error list here)
  if (missingRequired.length > 0) errors = [`missing required cgroups: ${missingRequired.join(' ')}`];
  const missingOptional = validate(optional, false);
  if (missingOptional.length > 0) warnings = [...warnings, `missing optional cgroups: ${missingOptional.join(' ')}`];
  return { warnings, errors };
}

export interface SystemVerificationResult extends Validation {
  /** the reporter's lines (printed by the check only when there are errors) */
  report: string;
}

/** Run the kernel, OS and cgroup validators in kubeadm's order. */
export async function verifySystem(host: Host, kubeletVersion: string): Promise<SystemVerificationResult> {
  const rep = new Reporter();
  const warnings: string[] = [];
  const errors: string[] = [];
  for (const v of [
    () => validateKernel(host, rep),
    () => validateOS(host, rep),
    () => validateCgroups(host, rep, kubeletVersion),
  ]) {
    const r = await v();
    errors.push(...r.errors);
    warnings.push(...r.warnings);
  }
  return { warnings, errors, report: rep.text };
}
