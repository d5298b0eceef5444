// The init phases that talk to the API server: upload-config, upload-certs, mark-control-plane,
// bootstrap-token and addon. Each is a thin wrapper: pick the inputs out of InitData, get the
// client (a recording one under --dry-run), call the function that does the work.

import type { Phase } from '../../workflow.js';
import type { InitData } from '../data.js';
import { clusterClient, readAdminKubeconfig, runCertificateKeys } from './admin.js';


const UPLOAD_CONFIG_FLAGS = ['config', 'cri-socket', 'kubeconfig', 'dry-run'] as const;

export const uploadConfigPhase: Phase<InitData> = {
  name: 'upload-config',
  aliases: ['uploadconfig'],
  short: 'Upload the kubeadm and kubelet configuration to a ConfigMap',
  phases: [
    { name: 'all', short: 'Upload all configuration to a config map', runAllSiblings: true, inheritFlags: UPLOAD_CONFIG_FLAGS },
    {
      name: 'kubeadm',
      short: 'Upload the kubeadm ClusterConfiguration to a ConfigMap',
      inheritFlags: UPLOAD_CONFIG_FLAGS,
      run: async (d) => {
        const { marshalClusterConfiguration } = await import('../../../config/marshal.js');
        const { uploadKubeadmConfig } = await import('./uploadconfig.js');
        d.out.v(1, '[upload-config] Uploading the kubeadm ClusterConfiguration to a ConfigMap');
        await uploadKubeadmConfig(await clusterClient(d), d.out, marshalClusterConfiguration(d.cfg.cluster));
      },
    },
    {
      name: 'kubelet',
      short: 'Upload the kubelet component config to a ConfigMap',
      inheritFlags: UPLOAD_CONFIG_FLAGS,
      run: async (d) => {
        const { kubeletComponentConfig } = await import('../componentconfigs.js');
        const { kubeletConfigurationYaml } = await import('../../../manifests/kubelet.js');
        const { uploadKubeletConfig } = await import('./uploadconfig.js');
        d.out.v(1, '[upload-config] Uploading the kubelet component config to a ConfigMap');
        const { config } = await kubeletComponentConfig(d.cfg, d.out);
        await uploadKubeletConfig(await clusterClient(d), d.out, kubeletConfigurationYaml(config), { userSupplied: d.cfg.kubelet !== undefined });
      },
    },
  ],
};

export const uploadCertsPhase: Phase<InitData> = {
  name: 'upload-certs',
  short: 'Upload certificates to kubeadm-certs',
  long: 'Upload control plane certificates to the kubeadm-certs Secret',
  inheritFlags: ['config', 'kubeconfig', 'upload-certs', 'certificate-key', 'skip-certificate-key-print', 'dry-run'],
  run: async (d) => {
    if (!d.uploadCerts) {
      d.out.print('upload-certs', 'Skipping phase. Please see --upload-certs');
      return;
    }
    const client = await clusterClient(d);
    const { createCertificateKey } = await import('../../../kube/objects/copycerts.js');
    const { generateBootstrapToken } = await import('../../../util/token.js');
    const { uploadCerts } = await import('./uploadcerts.js');
    let key = runCertificateKeys.get(d) ?? d.cfg.init.certificateKey;
    if (!key) {
      key = createCertificateKey();
      runCertificateKeys.set(d, key);
    }
    await uploadCerts(client, d.host, d.out, {
      cluster: { ...d.cfg.cluster, certificatesDir: d.certificatesDir },
      certificateKey: key,
      generateToken: generateBootstrapToken,
      now: d.host.now(),
      skipCertificateKeyPrint: d.skipCertificateKeyPrint,
    });
  },
};

export const markControlPlanePhase: Phase<InitData> = {
  name: 'mark-control-plane',
  short: 'Mark a node as a control-plane',
  inheritFlags: ['node-name', 'config', 'dry-run'],
  run: async (d) => {
    const { markControlPlane } = await import('./markcontrolplane.js');
    const reg = d.cfg.init.nodeRegistration;
    await markControlPlane(await clusterClient(d), d.out, reg.name, reg.taints);
  },
};

export const bootstrapTokenPhase: Phase<InitData> = {
  name: 'bootstrap-token',
  aliases: ['bootstraptoken'],
  short: 'Generates bootstrap tokens used to join a node to a cluster',
  inheritFlags: ['config', 'kubeconfig', 'skip-token-print', 'dry-run'],
  run: async (d) => {
    const { runBootstrapToken } = await import('./bootstraptoken.js');
    const client = await clusterClient(d);
    await runBootstrapToken(client, d.out, {
      tokens: d.cfg.init.bootstrapTokens,
      skipTokenPrint: d.skipTokenPrint,
      adminKubeconfig: await readAdminKubeconfig(d),
      now: d.host.now(),
    });
  },
};

/** The config's patches directory for the printed add-on workloads (its "[patches]" lines go to stdout first). */
async function printPatches(d: InitData): Promise<import('../../../addons/printmanifest.js').PrintPatches | undefined> {
  const { patchManagerFor } = await import('../staticpod.js');
  const manager = await patchManagerFor(d);
  return manager ? { manager, log: (l) => d.out.println(l) } : undefined;
}

/** Patches from the config's patches directory applied to the add-on workloads before they are created. */
async function installPatcher(d: InitData): Promise<import('./addons.js').AddonPatcher | undefined> {
  const { patchManagerFor } = await import('../staticpod.js');
  const manager = await patchManagerFor(d);
  if (!manager) return undefined;
  const { applyPatchesToTarget } = await import('../../../manifests/patches.js');
  const { workloadMergeSchema } = await import('../../../addons/printmanifest.js');
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
          const { printCoreDNSManifests } = await import('../../../addons/printmanifest.js');
          d.out.stdout.write(printCoreDNSManifests(d.cfg.cluster, await printPatches(d)));
          return;
        }
        const { ensureCoreDNS } = await import('./addons.js');
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
        const { controlPlaneEndpointURL } = await import('../../../kubeconfig/kubeconfig.js');
        for (const w of controlPlaneEndpointURL(d.cfg).warnings) d.out.warn(w);
        const input = {
          cluster: d.cfg.cluster,
          localAPIEndpoint: d.cfg.init.localAPIEndpoint,
          ...(d.cfg.kubeProxy ? { userConfig: d.cfg.kubeProxy } : {}),
        };
        if (!client) {
          const { printKubeProxyManifests } = await import('../../../addons/printmanifest.js');
          const text = printKubeProxyManifests(input, await printPatches(d));
          d.out.stdout.write(text);
          return;
        }
        const { ensureKubeProxy } = await import('./addons.js');
        const env: Record<string, string | undefined> = { ...(d.host.environ?.() ?? {}) };
        await ensureKubeProxy(client, d.out, { ...input, env }, await installPatcher(d));
      },
    },
  ],
};
