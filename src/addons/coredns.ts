// The CoreDNS addon as kubeadm v1.37 installs it: ServiceAccount, ClusterRole and
// ClusterRoleBinding system:coredns, ConfigMap coredns (the Corefile), Deployment coredns and the
// kube-dns Service on the 10th address of the service subnet.

import type { ClusterConfiguration } from '../config/types.js';
import { indexedIPOfCIDRList } from '../pki/ip.js';
import { formatIP } from '../util/net.js';
import { COREDNS_VERSION, DEFAULT_IMAGE_REPOSITORY } from '../versions.js';
import type { ConfigMapObject, KubeObject } from '../kube/types.js';
import { clusterRole, clusterRoleBinding, KUBE_SYSTEM, serviceAccount, type BindingObject, type RoleObject } from '../kube/objects/rbac.js';
import { LABEL_NODE_ROLE_CONTROL_PLANE } from '../kube/objects/markcontrolplane.js';

export const COREDNS_NAME = 'coredns';
export const KUBE_DNS_SERVICE = 'kube-dns';
export const COREDNS_CLUSTER_ROLE = 'system:coredns';
export const COREDNS_DEFAULT_REPLICAS = 2;
export const DNS_LABEL = { 'k8s-app': 'kube-dns' } as const;
export const DNS_LABEL_SELECTOR = 'k8s-app=kube-dns';

/**
 * The cluster DNS address: the 10th address of the first service subnet (kubeadm's GetDNSIP),
 * e.g. 10.96.0.0/12 → 10.96.0.10, fd00::/108 → fd00::a.
 */
export function dnsIP(serviceSubnet: string): string {
  try {
    return formatIP(indexedIPOfCIDRList(serviceSubnet, 10));
  } catch (e) {
    throw new Error(
      `unable to get internal Kubernetes Service IP from the given service CIDR (${serviceSubnet}): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * The CoreDNS image: dns.imageRepository or imageRepository; the default registry's image lives
 * under registry.k8s.io/coredns/coredns. The tag is dns.imageTag or kubeadm's pinned CoreDNS version.
 */
export function coreDNSImage(cluster: Pick<ClusterConfiguration, 'imageRepository' | 'dns'>): string {
  let repo = cluster.dns.imageRepository || cluster.imageRepository;
  if (repo === DEFAULT_IMAGE_REPOSITORY) repo = `${repo}/coredns`;
  const tag = cluster.dns.imageTag || COREDNS_VERSION;
  return `${repo}/coredns:${tag}`;
}

/** The Corefile of kubeadm's template for a DNS domain (no cache exclusions without a domain). */
export function corefile(dnsDomain: string): string {
  const cache = dnsDomain
    ? ['    cache 30 {', `       disable success ${dnsDomain}`, `       disable denial ${dnsDomain}`, '    }']
    : ['    cache 30'];
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${dnsDomain} in-addr.arpa ip6.arpa {`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '       max_concurrent 1000',
    '    }',
    ...cache,
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
}

export function coreDNSServiceAccount(): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: COREDNS_NAME, namespace: KUBE_SYSTEM } };
}

export function coreDNSClusterRole(): RoleObject {
  return clusterRole(COREDNS_CLUSTER_ROLE, [
    { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
  ]);
}

export function coreDNSClusterRoleBinding(): BindingObject {
  return clusterRoleBinding(COREDNS_CLUSTER_ROLE, COREDNS_CLUSTER_ROLE, [serviceAccount(COREDNS_NAME, KUBE_SYSTEM)]);
}

export function coreDNSConfigMap(dnsDomain: string): ConfigMapObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: COREDNS_NAME, namespace: KUBE_SYSTEM },
    data: { Corefile: corefile(dnsDomain) },
  };
}

export function coreDNSDeployment(image: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: COREDNS_NAME, namespace: KUBE_SYSTEM, labels: { ...DNS_LABEL } },
    spec: {
      replicas,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: { ...DNS_LABEL } },
      template: {
        metadata: { labels: { ...DNS_LABEL } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: COREDNS_NAME,
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: LABEL_NODE_ROLE_CONTROL_PLANE, effect: 'NoSchedule' },
          ],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          containers: [
            {
              name: 'coredns',
              image,
              imagePullPolicy: 'IfNotPresent',
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              args: ['-conf', '/etc/coredns/Corefile'],
              volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
                { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
                successThreshold: 1,
                failureThreshold: 5,
              },
              readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
                readOnlyRootFilesystem: true,
              },
            },
          ],
          dnsPolicy: 'Default',
          volumes: [{ name: 'config-volume', configMap: { name: COREDNS_NAME, items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  };
}

export function kubeDNSService(clusterIP: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      labels: { ...DNS_LABEL, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      name: KUBE_DNS_SERVICE,
      namespace: KUBE_SYSTEM,
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      // kubeadm's template carries resourceVersion "0" so that an update of an existing Service is accepted
      resourceVersion: '0',
    },
    spec: {
      clusterIP,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      selector: { ...DNS_LABEL },
    },
  };
}

export interface CoreDNSObjects {
  configMap: ConfigMapObject;
  clusterRole: RoleObject;
  clusterRoleBinding: BindingObject;
  serviceAccount: KubeObject;
  deployment: KubeObject;
  service: KubeObject;
}

export interface CoreDNSInput {
  cluster: Pick<ClusterConfiguration, 'imageRepository' | 'dns' | 'networking'>;
  /** the replica count of an existing CoreDNS Deployment, or 2 */
  replicas?: number;
}

/** All CoreDNS objects. kubeadm creates them in the order of CORE_DNS_ORDER. */
export function renderCoreDNS(input: CoreDNSInput): CoreDNSObjects {
  const { cluster } = input;
  return {
    configMap: coreDNSConfigMap(cluster.networking.dnsDomain),
    clusterRole: coreDNSClusterRole(),
    clusterRoleBinding: coreDNSClusterRoleBinding(),
    serviceAccount: coreDNSServiceAccount(),
    deployment: coreDNSDeployment(coreDNSImage(cluster), input.replicas ?? COREDNS_DEFAULT_REPLICAS),
    service: kubeDNSService(dnsIP(cluster.networking.serviceSubnet)),
  };
}

/** kubeadm's creation order (createCoreDNSAddon). */
export const CORE_DNS_ORDER: readonly (keyof CoreDNSObjects)[] = [
  'configMap',
  'clusterRole',
  'clusterRoleBinding',
  'serviceAccount',
  'deployment',
  'service',
];

/** kubeadm's `--print-manifest` order (Deployment, ConfigMap, Service, ClusterRole, ClusterRoleBinding, ServiceAccount). */
export const CORE_DNS_PRINT_ORDER: readonly (keyof CoreDNSObjects)[] = [
  'deployment',
  'configMap',
  'service',
  'clusterRole',
  'clusterRoleBinding',
  'serviceAccount',
];
