// kube-proxy addon facts from kubeadm v1.37.2 (phases/addons/proxy, componentconfigs/kubeproxy.go,
// util/endpoint.go, util/env.go) and the v1alpha1 KubeProxyConfiguration type.
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import {
  controlPlaneURL,
  KUBE_PROXY_ORDER,
  kubeProxyConfiguration,
  kubeProxyImage,
  marshalKubeProxyConfiguration,
  proxyEnvVars,
  renderKubeProxy,
  unknownKubeProxyFields,
} from '../../../src/addons/kubeproxy.js';

const local = { advertiseAddress: '10.0.0.5', bindPort: 6443 };
const net = (podSubnet?: string) => ({ networking: { serviceSubnet: '10.96.0.0/12', dnsDomain: 'cluster.local', ...(podSubnet ? { podSubnet } : {}) } });

describe('controlPlaneURL', () => {
  it('uses the advertise address and bind port without a controlPlaneEndpoint', () => {
    expect(controlPlaneURL('', local)).toBe('https://10.0.0.5:6443');
    expect(controlPlaneURL('', { advertiseAddress: 'fd00::0001', bindPort: 6443 })).toBe('https://[fd00::1]:6443');
  });
  it('uses the controlPlaneEndpoint, with its own port or the bind port', () => {
    expect(controlPlaneURL('cp.example.com', local)).toBe('https://cp.example.com:6443');
    expect(controlPlaneURL('cp.example.com:8443', local)).toBe('https://cp.example.com:8443');
    expect(controlPlaneURL('[fd00::10]:443', local)).toBe('https://[fd00::10]:443');
  });
  it('rejects a bad advertise address', () => {
    expect(() => controlPlaneURL('', { advertiseAddress: 'nope', bindPort: 6443 })).toThrow('invalid value `nope` given for api.advertiseAddress');
  });
});

describe('kubeProxyConfiguration', () => {
  it('defaults: bindAddress 0.0.0.0, clusterCIDR = podSubnet, kubeconfig path, mode iptables, Go zero fields', () => {
    const { config, warnings } = kubeProxyConfiguration(net('10.244.0.0/16'), local);
    expect(warnings).toEqual([]);
    expect(config['apiVersion']).toBe('kubeproxy.config.k8s.io/v1alpha1');
    expect(config['kind']).toBe('KubeProxyConfiguration');
    expect(config['bindAddress']).toBe('0.0.0.0');
    expect(config['clusterCIDR']).toBe('10.244.0.0/16');
    expect(config['mode']).toBe('iptables');
    expect(config['clientConnection']).toEqual({ kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf', acceptContentTypes: '', contentType: '', qps: 0, burst: 0 });
    expect(config['iptables']).toEqual({ masqueradeBit: null, masqueradeAll: false, localhostNodePorts: null, syncPeriod: '0s', minSyncPeriod: '0s' });
    expect(config['conntrack']).toMatchObject({ maxPerCore: null, min: null, tcpBeLiberal: false, udpTimeout: '0s' });
    expect(config['logging']).toEqual({ flushFrequency: 0, verbosity: 0, options: { text: { infoBufferSize: '0' }, json: { infoBufferSize: '0' } } });
    expect(config['nodePortAddresses']).toBeNull();
    expect('featureGates' in config).toBe(false); // omitempty
    expect('windowsRunAsService' in config).toBe(false); // omitempty
  });

  it('binds :: when the advertise address is not IPv4', () => {
    expect(kubeProxyConfiguration(net(), { advertiseAddress: 'fd00::5', bindPort: 6443 }).config['bindAddress']).toBe('::');
  });

  it('leaves clusterCIDR empty without a pod subnet', () => {
    expect(kubeProxyConfiguration(net(), local).config['clusterCIDR']).toBe('');
  });

  it("keeps the user's values, normalises durations and drops unknown fields", () => {
    const user = {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      mode: 'nftables',
      bogus: 1,
      iptables: { syncPeriod: '60s', masqueradeBit: 14 },
      conntrack: { tcpEstablishedTimeout: '86400s', maxPerCore: 32768 },
      featureGates: { SomeGate: true },
      nodePortAddresses: ['primary'],
    };
    const { config } = kubeProxyConfiguration(net('10.244.0.0/16'), local, user);
    expect(config['mode']).toBe('nftables');
    expect('bogus' in config).toBe(false);
    expect((config['iptables'] as any).syncPeriod).toBe('1m0s');
    expect((config['iptables'] as any).masqueradeBit).toBe(14);
    expect((config['conntrack'] as any).tcpEstablishedTimeout).toBe('24h0m0s');
    expect((config['conntrack'] as any).maxPerCore).toBe(32768);
    expect(config['featureGates']).toEqual({ SomeGate: true });
    expect(config['nodePortAddresses']).toEqual(['primary']);
    expect(unknownKubeProxyFields(user)).toEqual(['bogus']);
  });

  it("warns (kubeadm's words) when the user's values differ from the recommended ones", () => {
    const { config, warnings } = kubeProxyConfiguration(net('10.244.0.0/16'), local, {
      bindAddress: '10.0.0.5',
      clusterCIDR: '192.168.0.0/16',
      clientConnection: { kubeconfig: '/etc/kp.conf' },
      mode: 'ipvs',
    });
    expect(config['clusterCIDR']).toBe('192.168.0.0/16');
    expect(warnings).toEqual([
      'The recommended value for "bindAddress" in "KubeProxyConfiguration" is: 0.0.0.0; the provided value is: 10.0.0.5',
      'The recommended value for "clusterCIDR" in "KubeProxyConfiguration" is: 10.244.0.0/16; the provided value is: 192.168.0.0/16',
      'The recommended value for "clientConnection.kubeconfig" in "KubeProxyConfiguration" is: /var/lib/kube-proxy/kubeconfig.conf; the provided value is: /etc/kp.conf',
      expect.stringContaining('"mode" is set to "ipvs" which has been deprecated since version v1.35'),
    ]);
  });

  it('marshals as sorted YAML without the final newline', () => {
    const text = marshalKubeProxyConfiguration(kubeProxyConfiguration(net('10.244.0.0/16'), local).config);
    expect(text.endsWith('\n')).toBe(false);
    const lines = text.split('\n');
    expect(lines[0]).toBe('apiVersion: kubeproxy.config.k8s.io/v1alpha1');
    expect(lines).toContain('bindAddressHardFail: false');
    expect(lines).toContain('mode: iptables');
    expect(lines.filter((l) => !l.startsWith(' '))).toEqual(
      [...lines.filter((l) => !l.startsWith(' '))].sort((a, b) => (a < b ? -1 : 1)),
    );
  });
});

describe('renderKubeProxy', () => {
  const objs = renderKubeProxy({
    cluster: { ...net('10.244.0.0/16'), controlPlaneEndpoint: '', imageRepository: 'registry.k8s.io', kubernetesVersion: 'v1.37.2' },
    localAPIEndpoint: local,
    env: { HTTPS_PROXY: 'http://p:3128', no_proxy: 'localhost', http_proxy: '', PATH: '/bin' },
  });

  it('creates in kubeadm order: ConfigMap, DaemonSet, then account and RBAC', () => {
    expect(KUBE_PROXY_ORDER).toEqual(['configMap', 'daemonSet', 'serviceAccount', 'clusterRoleBinding', 'role', 'roleBinding']);
  });

  it('ConfigMap: label app=kube-proxy, both keys, component-config hash', () => {
    const cm = objs.configMap;
    expect(cm.metadata.labels).toEqual({ app: 'kube-proxy' });
    expect(Object.keys(cm.data!).sort()).toEqual(['config.conf', 'kubeconfig.conf']);
    expect(cm.metadata.annotations!['kubeadm.kubernetes.io/component-config.hash']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const kc = load(cm.data!['kubeconfig.conf']!) as any;
    expect(kc.clusters[0]).toEqual({
      cluster: { 'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', server: 'https://10.0.0.5:6443' },
      name: 'default',
    });
    expect(kc.users[0].user).toEqual({ tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' });
    expect(kc.contexts[0].context).toEqual({ cluster: 'default', namespace: 'default', user: 'default' });
  });

  it('a user-supplied KubeProxyConfiguration is not signed', () => {
    const o = renderKubeProxy({
      cluster: { ...net(), controlPlaneEndpoint: '', imageRepository: 'registry.k8s.io', kubernetesVersion: 'v1.37.2' },
      localAPIEndpoint: local,
      userConfig: { mode: 'nftables' },
    });
    expect(o.configMap.metadata.annotations).toBeUndefined();
  });

  it('DaemonSet: image, command, privileged, host network, volumes, tolerate everything', () => {
    const ds = objs.daemonSet as any;
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    expect(ds.metadata.labels).toEqual({ 'k8s-app': 'kube-proxy' });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(c.image).toBe('registry.k8s.io/kube-proxy:v1.37.2');
    expect(c.command).toEqual(['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)']);
    expect(c.securityContext).toEqual({ privileged: true });
    expect(pod.hostNetwork).toBe(true);
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.serviceAccountName).toBe('kube-proxy');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.volumes).toEqual([
      { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
      { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
      { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
    ]);
    expect(c.volumeMounts).toEqual([
      { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
      { mountPath: '/run/xtables.lock', name: 'xtables-lock' },
      { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
    ]);
  });

  it('DaemonSet env: NODE_NAME then the non-empty *_proxy variables sorted by name', () => {
    const env = (objs.daemonSet as any).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'HTTPS_PROXY', value: 'http://p:3128' },
      { name: 'no_proxy', value: 'localhost' },
    ]);
    expect(proxyEnvVars({})).toEqual([]);
  });

  it('RBAC: node-proxier binding for the SA, configmap reader role for bootstrap tokens', () => {
    expect(objs.clusterRoleBinding.metadata.name).toBe('kubeadm:node-proxier');
    expect(objs.clusterRoleBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' });
    expect(objs.clusterRoleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }]);
    expect(objs.role.rules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['kube-proxy'] }]);
    expect(objs.roleBinding.subjects).toEqual([{ kind: 'Group', name: 'system:bootstrappers:kubeadm:default-node-token' }]);
  });

  it('image tag replaces "+" with "_"', () => {
    expect(kubeProxyImage({ imageRepository: 'r.io', kubernetesVersion: 'v1.37.2+k3s1' })).toBe('r.io/kube-proxy:v1.37.2_k3s1');
  });
});
