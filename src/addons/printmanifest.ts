// `kubeadm init phase addon coredns|kube-proxy --print-manifest`: the addon manifests as kubeadm
// prints them. kubeadm prints its template text (its own key order, quoting and comments), not the
// objects it would send, so this output is text built to the same layout, separated by "---".

import type { APIEndpoint, ClusterConfiguration, ComponentConfig } from '../config/types.js';
import { toGoYaml } from '../manifests/goyaml.js';
import { applyPatchesToTarget, podMergeSchema, PatchError, type MergeSchema, type PatchManager } from '../manifests/patches.js';
import { parseGoYaml } from '../manifests/yamlload.js';
import { COREDNS_DEFAULT_REPLICAS, coreDNSClusterRole, coreDNSClusterRoleBinding, coreDNSImage, coreDNSServiceAccount, corefile, dnsIP } from './coredns.js';
import {
  controlPlaneURL,
  kubeProxyClusterRoleBinding,
  kubeProxyConfiguration,
  kubeProxyImage,
  kubeProxyRole,
  kubeProxyRoleBinding,
  kubeProxyServiceAccount,
  marshalKubeProxyConfiguration,
} from './kubeproxy.js';

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function deploymentText(image: string, replicas: number): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  replicas: ${replicas}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  selector:
    matchLabels:
      k8s-app: kube-dns
  template:
    metadata:
      labels:
        k8s-app: kube-dns
    spec:
      priorityClassName: system-cluster-critical
      serviceAccountName: coredns
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector:
                matchExpressions:
                - key: k8s-app
                  operator: In
                  values: ["kube-dns"]
              topologyKey: kubernetes.io/hostname
      tolerations:
      - key: CriticalAddonsOnly
        operator: Exists
      - key: node-role.kubernetes.io/control-plane
        effect: NoSchedule
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: coredns
        image: ${image}
        imagePullPolicy: IfNotPresent
        resources:
          limits:
            memory: 170Mi
          requests:
            cpu: 100m
            memory: 70Mi
        args: [ "-conf", "/etc/coredns/Corefile" ]
        volumeMounts:
        - name: config-volume
          mountPath: /etc/coredns
          readOnly: true
        ports:
        - containerPort: 53
          name: dns
          protocol: UDP
        - containerPort: 53
          name: dns-tcp
          protocol: TCP
        - containerPort: 9153
          name: metrics
          protocol: TCP
        - containerPort: 8080
          name: liveness-probe
          protocol: TCP
        - containerPort: 8181
          name: readiness-probe
          protocol: TCP
        livenessProbe:
          httpGet:
            path: /health
            port: liveness-probe
            scheme: HTTP
          initialDelaySeconds: 60
          timeoutSeconds: 5
          successThreshold: 1
          failureThreshold: 5
        readinessProbe:
          httpGet:
            path: /ready
            port: readiness-probe
            scheme: HTTP
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            add:
            - NET_BIND_SERVICE
            drop:
            - ALL
          readOnlyRootFilesystem: true
      dnsPolicy: Default
      volumes:
        - name: config-volume
          configMap:
            name: coredns
            items:
            - key: Corefile
              path: Corefile
`;
}

function configMapText(dnsDomain: string): string {
  return `
apiVersion: v1
kind: ConfigMap
metadata:
  name: coredns
  namespace: kube-system
data:
  Corefile: |
` + indent(corefile(dnsDomain).replace(/\n$/, ''), '    ') + '\n';
}

function serviceText(clusterIP: string): string {
  return `
apiVersion: v1
kind: Service
metadata:
  labels:
    k8s-app: kube-dns
    kubernetes.io/cluster-service: "true"
    kubernetes.io/name: "CoreDNS"
  name: kube-dns
  namespace: kube-system
  annotations:
    prometheus.io/port: "9153"
    prometheus.io/scrape: "true"
  # Without this resourceVersion value, an update of the Service between versions will yield:
  #   Service "kube-dns" is invalid: metadata.resourceVersion: Invalid value: "": must be specified for an update
  resourceVersion: "0"
spec:
  clusterIP: ${clusterIP}
  ports:
  - name: dns
    port: 53
    protocol: UDP
    targetPort: 53
  - name: dns-tcp
    port: 53
    protocol: TCP
    targetPort: 53
  - name: metrics
    port: 9153
    protocol: TCP
    targetPort: 9153
  selector:
    k8s-app: kube-dns
`;
}

/** Strategic-merge keys of a Deployment or DaemonSet: its Pod template merges as a Pod does. */
export const workloadMergeSchema: MergeSchema = (fp) =>
  fp[0] === 'spec' && fp[1] === 'template' ? podMergeSchema(fp.slice(2)) : fp[0] === 'metadata' ? podMergeSchema(fp) : undefined;

/** Patches from the config's patches directory, for the printed CoreDNS Deployment / kube-proxy DaemonSet. */
export interface PrintPatches {
  manager: PatchManager;
  /** receives kubeadm's "[patches] Applied patch ..." lines (printed before the manifests) */
  log: (line: string) => void;
}

/**
 * A workload template as kubeadm prints it when a patches directory is set: read as YAML, patched,
 * and marshalled again (sorted keys, no leading newline), whether or not a patch matched.
 */
function patchedTemplate(text: string, target: 'corednsdeployment' | 'kubeproxydaemonset', what: string, patches: PrintPatches): string {
  let r: ReturnType<typeof applyPatchesToTarget>;
  try {
    r = applyPatchesToTarget(patches.manager, target, parseGoYaml(text), workloadMergeSchema);
  } catch (e) {
    throw new PatchError(`could not apply patches to the ${what}: ${(e as Error).message}`, { cause: e });
  }
  for (const l of r.log) patches.log(l);
  return toGoYaml(r.data);
}

/** What kubeadm prints for `init phase addon coredns --print-manifest`. */
export function printCoreDNSManifests(cluster: Pick<ClusterConfiguration, 'imageRepository' | 'dns' | 'networking'>, patches?: PrintPatches): string {
  const deployment = deploymentText(coreDNSImage(cluster), COREDNS_DEFAULT_REPLICAS);
  // kubeadm's static ClusterRole/ClusterRoleBinding/ServiceAccount templates happen to be in sorted
  // key order, so they print as the marshalled objects do (with the template's leading newline)
  return [
    patches ? patchedTemplate(deployment, 'corednsdeployment', 'CoreDNS Deployment', patches) : deployment,
    configMapText(cluster.networking.dnsDomain),
    serviceText(dnsIP(cluster.networking.serviceSubnet)),
    '\n' + toGoYaml(coreDNSClusterRole()),
    '\n' + toGoYaml(coreDNSClusterRoleBinding()),
    '\n' + toGoYaml(coreDNSServiceAccount()),
  ]
    .map((doc) => '---' + doc)
    .join('');
}

function proxyConfigMapText(server: string, configConf: string): string {
  return `
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-proxy
  namespace: kube-system
  labels:
    app: kube-proxy
data:
  kubeconfig.conf: |-
    apiVersion: v1
    kind: Config
    clusters:
    - cluster:
        certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
        server: ${server}
      name: default
    contexts:
    - context:
        cluster: default
        namespace: default
        user: default
      name: default
    current-context: default
    users:
    - name: default
      user:
        tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
  config.conf: |-
` + configConf.split('\n').map((l) => `    ${l}\n`).join('') + '\n';
}

function daemonSetText(image: string): string {
  return `
apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    k8s-app: kube-proxy
  name: kube-proxy
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: kube-proxy
  updateStrategy:
    type: RollingUpdate
  template:
    metadata:
      labels:
        k8s-app: kube-proxy
    spec:
      priorityClassName: system-node-critical
      containers:
      - name: kube-proxy
        image: ${image}
        imagePullPolicy: IfNotPresent
        command:
        - /usr/local/bin/kube-proxy
        - --config=/var/lib/kube-proxy/config.conf
        - --hostname-override=$(NODE_NAME)
        securityContext:
          privileged: true
        volumeMounts:
        - mountPath: /var/lib/kube-proxy
          name: kube-proxy
        - mountPath: /run/xtables.lock
          name: xtables-lock
          readOnly: false
        - mountPath: /lib/modules
          name: lib-modules
          readOnly: true
        env:
          - name: NODE_NAME
            valueFrom:
              fieldRef:
                fieldPath: spec.nodeName
      hostNetwork: true
      serviceAccountName: kube-proxy
      volumes:
      - name: kube-proxy
        configMap:
          name: kube-proxy
      - name: xtables-lock
        hostPath:
          path: /run/xtables.lock
          type: FileOrCreate
      - name: lib-modules
        hostPath:
          path: /lib/modules
      tolerations:
      - operator: Exists
      nodeSelector:
        kubernetes.io/os: linux
`;
}

export interface PrintKubeProxyInput {
  cluster: Pick<ClusterConfiguration, 'networking' | 'controlPlaneEndpoint' | 'imageRepository' | 'kubernetesVersion'>;
  localAPIEndpoint: APIEndpoint;
  userConfig?: ComponentConfig;
}

/** What kubeadm prints for `init phase addon kube-proxy --print-manifest`. */
export function printKubeProxyManifests(input: PrintKubeProxyInput, patches?: PrintPatches): string {
  const server = controlPlaneURL(input.cluster.controlPlaneEndpoint, input.localAPIEndpoint);
  const { config } = kubeProxyConfiguration(input.cluster, input.localAPIEndpoint, input.userConfig);
  const marshalled = [kubeProxyServiceAccount(), kubeProxyClusterRoleBinding(), kubeProxyRole(), kubeProxyRoleBinding()]
    .map((o) => '---\n' + toGoYaml(o))
    .join('');
  const configConf = marshalKubeProxyConfiguration(config);
  const daemonSet = daemonSetText(kubeProxyImage(input.cluster));
  const ds = patches ? patchedTemplate(daemonSet, 'kubeproxydaemonset', 'kube-proxy DaemonSet', patches) : daemonSet;
  return marshalled + '---' + proxyConfigMapText(server, configConf) + '---' + ds;
}
