// init phase "addon": CoreDNS and kube-proxy, installed through the API (the work:
// src/phases/shared/cluster/addons.ts) or, with --print-manifest, printed.

import type { Phase } from '../workflow.js';
import type { InitData } from './data.js';
import { clusterClient } from './admin.js';

/** The config's patches directory for the printed add-on workloads (its "[patches]" lines go to stdout first). */
async function printPatches(d: InitData): Promise<import('../../addons/printmanifest.js').PrintPatches | undefined> {
  const { patchManagerFor } = await import('../shared/staticpod.js');
  const manager = await patchManagerFor(d);
  return manager ? { manager, log: (l) => d.out.println(l) } : undefined;
}

/** Patches from the config's patches directory applied to the add-on workloads before they are created. */
async function installPatcher(d: InitData): Promise<import('../shared/cluster/addons.js').AddonPatcher | undefined> {
  const { patchManagerFor } = await import('../shared/staticpod.js');
  const manager = await patchManagerFor(d);
  if (!manager) return undefined;
  const { applyPatchesToTarget } = await import('../../manifests/patches.js');
  const { workloadMergeSchema } = await import('../../addons/printmanifest.js');
  return (target, obj) => {
    const r = applyPatchesToTarget(manager, target, obj, workloadMergeSchema);
    for (const l of r.log) d.out.println(l);
    return r.data as typeof obj;
  };
}

const ADDON_FLAGS = ['config', 'kubeconfig', 'kubernetes-version', 'image-repository', 'dry-run'] as const;
const PROXY_FLAGS = ['apiserver-advertise-address', 'control-plane-endpoint', 'apiserver-bind-port', 'pod-network-cidr'] as const;
const DNS_FLAGS = ['feature-gates', 'service-dns-domain', 'service-cidr'] as const;

export const addonPhase: Phase<InitData> = {
  name: 'addon',
  short: 'Install required addons for passing conformance tests',
  phases: [
    // as in kubeadm, `addon all` has no --print-manifest: only the coredns and kube-proxy commands do
    { name: 'all', short: 'Install all the addons', runAllSiblings: true, inheritFlags: [...ADDON_FLAGS, ...PROXY_FLAGS, ...DNS_FLAGS] },
    {
      name: 'coredns',
      short: 'Install the CoreDNS addon to a Kubernetes cluster',
      long: 'Install the CoreDNS addon components via the API server.\nPlease note that although the DNS server is deployed, it will not be scheduled until CNI is installed.',
      inheritFlags: [...ADDON_FLAGS, ...DNS_FLAGS],
      localFlags: ['print-manifest'],
      run: async (d) => {
        if (d.printManifest) {
          // no API client (and so no kubeconfig) is needed: kubeadm prints the default replica count
          const { printCoreDNSManifests } = await import('../../addons/printmanifest.js');
          d.out.stdout.write(printCoreDNSManifests(d.cfg.cluster, await printPatches(d)));
          return;
        }
        const { ensureCoreDNS } = await import('../shared/cluster/addons.js');
        await ensureCoreDNS(await clusterClient(d), d.out, d.cfg.cluster, await installPatcher(d));
      },
    },
    {
      name: 'kube-proxy',
      short: 'Install the kube-proxy addon to a Kubernetes cluster',
      long: 'Install the kube-proxy addon components via the API server.',
      inheritFlags: [...ADDON_FLAGS, ...PROXY_FLAGS],
      localFlags: ['print-manifest'],
      run: async (d) => {
        // kubeadm resolves the control-plane endpoint (warning when controlPlaneEndpoint's port wins
        // over bindPort) after getting its client and before rendering anything
        const client = d.printManifest ? undefined : await clusterClient(d);
        const { controlPlaneEndpointURL } = await import('../../kubeconfig/kubeconfig.js');
        for (const w of controlPlaneEndpointURL(d.cfg).warnings) d.out.warn(w);
        const input = {
          cluster: d.cfg.cluster,
          localAPIEndpoint: d.cfg.init.localAPIEndpoint,
          ...(d.cfg.kubeProxy ? { userConfig: d.cfg.kubeProxy } : {}),
        };
        if (!client) {
          const { printKubeProxyManifests } = await import('../../addons/printmanifest.js');
          const text = printKubeProxyManifests(input, await printPatches(d));
          d.out.stdout.write(text);
          return;
        }
        const { ensureKubeProxy } = await import('../shared/cluster/addons.js');
        const env: Record<string, string | undefined> = { ...(d.host.environ?.() ?? {}) };
        await ensureKubeProxy(client, d.out, { ...input, env }, await installPatcher(d));
      },
    },
  ],
};
