// CoreDNS addon facts from kubeadm v1.37.2 (phases/addons/dns/manifests.go, images.GetDNSImage,
// constants.GetDNSIP).
import { describe, expect, it } from 'vitest';
import {
  CORE_DNS_ORDER,
  coreDNSImage,
  corefile,
  dnsIP,
  renderCoreDNS,
} from '../../../src/addons/coredns.js';

const dns = (o: Partial<{ imageRepository: string; imageTag: string }> = {}) => ({ disabled: false, ...o });

describe('dnsIP (10th address of the first service subnet)', () => {
  it.each([
    ['10.96.0.0/12', '10.96.0.10'],
    ['10.96.0.0/16', '10.96.0.10'],
    ['192.168.10.0/24', '192.168.10.10'],
    ['fd00::/108', 'fd00::a'],
    ['fd00:10:96::/112', 'fd00:10:96::a'],
    // dual-stack: the first subnet decides
    ['10.96.0.0/16,fd00::/108', '10.96.0.10'],
    ['fd00::/108,10.96.0.0/16', 'fd00::a'],
  ])('%s → %s', (subnet, ip) => {
    expect(dnsIP(subnet)).toBe(ip);
  });

  it('counts from the network address (host bits are masked first)', () => {
    expect(dnsIP('10.1.255.7/16')).toBe('10.1.0.10');
  });

  it('fails for a subnet with fewer than 11 addresses', () => {
    expect(() => dnsIP('10.96.0.0/29')).toThrow(/unable to get internal Kubernetes Service IP from the given service CIDR/);
  });

  it('fails for garbage', () => {
    expect(() => dnsIP('not-a-cidr')).toThrow(/unable to get internal Kubernetes Service IP/);
  });
});

describe('coreDNSImage', () => {
  it('uses registry.k8s.io/coredns/coredns with the default repository', () => {
    expect(coreDNSImage({ imageRepository: 'registry.k8s.io', dns: dns() })).toBe('registry.k8s.io/coredns/coredns:v1.14.6');
  });
  it('uses <repo>/coredns with a custom repository', () => {
    expect(coreDNSImage({ imageRepository: 'my.registry.io/k8s', dns: dns() })).toBe('my.registry.io/k8s/coredns:v1.14.6');
  });
  it('prefers dns.imageRepository and dns.imageTag', () => {
    expect(coreDNSImage({ imageRepository: 'my.registry.io', dns: dns({ imageRepository: 'other.io/dns', imageTag: 'v9' }) })).toBe(
      'other.io/dns/coredns:v9',
    );
    // an explicit dns.imageRepository equal to the default registry is renamed too
    expect(coreDNSImage({ imageRepository: 'my.registry.io', dns: dns({ imageRepository: 'registry.k8s.io' }) })).toBe(
      'registry.k8s.io/coredns/coredns:v1.14.6',
    );
  });
});

describe('Corefile', () => {
  it('is the 1.37 template for cluster.local', () => {
    expect(corefile('cluster.local')).toBe(
      '.:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n' +
        '    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n' +
        '    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n' +
        '    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n' +
        '    loop\n    reload\n    loadbalance\n}\n',
    );
  });
  it('has a plain `cache 30` without a DNS domain', () => {
    const cf = corefile('');
    expect(cf).toContain('    cache 30\n    loop\n');
    expect(cf).not.toContain('disable');
  });
});

describe('renderCoreDNS', () => {
  const objs = renderCoreDNS({
    cluster: {
      imageRepository: 'registry.k8s.io',
      dns: dns(),
      networking: { serviceSubnet: '10.96.0.0/12', dnsDomain: 'example.org' },
    },
  });
  const dep = objs.deployment as any;
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];

  it('creates in kubeadm order', () => {
    expect(CORE_DNS_ORDER).toEqual(['configMap', 'clusterRole', 'clusterRoleBinding', 'serviceAccount', 'deployment', 'service']);
  });

  it('Deployment: replicas 2, maxUnavailable 1, label k8s-app=kube-dns', () => {
    expect(dep.metadata).toEqual({ name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } });
    expect(dep.spec.replicas).toBe(2);
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(dep.spec.selector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
  });

  it('keeps an existing replica count', () => {
    const o = renderCoreDNS({
      cluster: { imageRepository: 'registry.k8s.io', dns: dns(), networking: { serviceSubnet: '10.96.0.0/12', dnsDomain: 'x' } },
      replicas: 5,
    });
    expect((o.deployment as any).spec.replicas).toBe(5);
  });

  it('pod spec: priority, SA, anti-affinity, tolerations, node selector, dnsPolicy', () => {
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.serviceAccountName).toBe('coredns');
    expect(pod.dnsPolicy).toBe('Default');
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    const term = pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.weight).toBe(100);
    expect(term.podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(term.podAffinityTerm.labelSelector.matchExpressions).toEqual([{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }]);
    expect(pod.volumes).toEqual([{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }]);
  });

  it('container: image, args, resources, ports, probes, securityContext', () => {
    expect(c.image).toBe('registry.k8s.io/coredns/coredns:v1.14.6');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(['-conf', '/etc/coredns/Corefile']);
    expect(c.resources).toEqual({ limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } });
    expect(c.ports.map((p: any) => `${p.name}:${p.containerPort}/${p.protocol}`)).toEqual([
      'dns:53/UDP',
      'dns-tcp:53/TCP',
      'metrics:9153/TCP',
      'liveness-probe:8080/TCP',
      'readiness-probe:8181/TCP',
    ]);
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' },
      initialDelaySeconds: 60,
      timeoutSeconds: 5,
      successThreshold: 1,
      failureThreshold: 5,
    });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    });
    expect(c.volumeMounts).toEqual([{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }]);
  });

  it('Service kube-dns on the DNS IP with the three ports and the prometheus annotations', () => {
    const svc = objs.service as any;
    expect(svc.metadata.name).toBe('kube-dns');
    expect(svc.metadata.labels).toEqual({ 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' });
    expect(svc.metadata.annotations).toEqual({ 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' });
    expect(svc.metadata.resourceVersion).toBe('0');
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.ports).toEqual([
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ]);
    expect(svc.spec.selector).toEqual({ 'k8s-app': 'kube-dns' });
  });

  it('RBAC: system:coredns lists/watches core objects and endpointslices, bound to the SA', () => {
    expect(objs.clusterRole.rules).toEqual([
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]);
    expect(objs.clusterRoleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' });
    expect(objs.clusterRoleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }]);
    expect(objs.serviceAccount.metadata).toEqual({ name: 'coredns', namespace: 'kube-system' });
  });

  it('ConfigMap coredns carries the Corefile for the DNS domain', () => {
    expect(objs.configMap.metadata).toEqual({ name: 'coredns', namespace: 'kube-system' });
    expect(objs.configMap.data!['Corefile']).toContain('kubernetes example.org in-addr.arpa ip6.arpa {');
  });

  it('dual-stack service subnet gives the IPv6 address when IPv6 comes first', () => {
    const o = renderCoreDNS({
      cluster: { imageRepository: 'registry.k8s.io', dns: dns(), networking: { serviceSubnet: 'fd00::/108,10.96.0.0/16', dnsDomain: 'x' } },
    });
    expect((o.service as any).spec.clusterIP).toBe('fd00::a');
  });
});
