// Expectations come from kubeadm v1.37.2 app/phases/controlplane, app/phases/etcd/local.go,
// app/util/staticpod/utils.go and app/util/arguments.go.
import { describe, expect, it } from 'vitest';

import {
  CA_CERTS_EXTRA_VOLUME_PATHS,
  apiServerCommand,
  controllerManagerCommand,
  etcdCommand,
  etcdImage,
  kubernetesImage,
  manifestPath,
  mergeEnvVars,
  parseGoDurationSeconds,
  proxyEnvVars,
  renderControlPlanePods,
  renderControlPlanePodsWithWarnings,
  renderEtcdPod,
  schedulerCommand,
  toManifestYaml,
  type StaticPodConfig,
} from '../../../src/manifests/staticpods.js';
import { argumentsToCommand } from '../../../src/manifests/args.js';
import { defaultCluster, defaultInit } from './fixtures.js';

function spc(mod?: (c: StaticPodConfig) => void): StaticPodConfig {
  const c: StaticPodConfig = {
    cluster: defaultCluster(),
    localAPIEndpoint: { advertiseAddress: '10.0.0.10', bindPort: 6443 },
    nodeName: 'cp-1',
  };
  mod?.(c);
  return c;
}

describe('argumentsToCommand', () => {
  it('sorts only the defaults; replacements keep the user order after them', () => {
    const cmd = argumentsToCommand(
      [
        { name: 'b', value: '2' },
        { name: 'a', value: '1' },
        { name: 'c', value: '3' },
      ],
      [
        { name: 'z', value: 'last?' },
        { name: 'b', value: 'user' },
      ],
    );
    expect(cmd).toEqual(['--a=1', '--c=3', '--z=last?', '--b=user']);
  });
  it('applies append/prepend merge methods to the default and drops them when no default exists', () => {
    const cmd = argumentsToCommand(
      [{ name: 'feature-gates', value: 'A=true' }],
      [
        { name: 'feature-gates', value: ',B=false', mergeMethod: 'append' },
        { name: 'nodefault', value: 'x', mergeMethod: 'prepend' },
      ],
    );
    expect(cmd).toEqual(['--feature-gates=A=true,B=false']);
  });
  it('repeats a user flag given twice', () => {
    expect(argumentsToCommand([], [{ name: 'x', value: '1' }, { name: 'x', value: '2' }])).toEqual(['--x=1', '--x=2']);
  });
});

describe('kube-apiserver command', () => {
  it('has every default flag, sorted', () => {
    const cmd = apiServerCommand(spc());
    expect(cmd[0]).toBe('kube-apiserver');
    expect(cmd.slice(1)).toEqual([...cmd.slice(1)].sort());
    expect(cmd).toContain('--etcd-servers=https://127.0.0.1:2379');
    expect(cmd).toContain('--authorization-mode=Node,RBAC');
    expect(cmd).toContain('--service-account-issuer=https://kubernetes.default.svc.cluster.local');
    expect(cmd).toContain('--secure-port=6443');
    expect(cmd).toHaveLength(28); // binary + 22 defaults + 4 etcd flags + authorization-mode
  });
  it('uses ::1 for etcd when the advertise address is IPv6', () => {
    const cmd = apiServerCommand(spc((c) => (c.localAPIEndpoint.advertiseAddress = '2001:db8::1')));
    expect(cmd).toContain('--etcd-servers=https://[::1]:2379');
    expect(cmd).toContain('--advertise-address=2001:db8::1');
  });
  it('points at external etcd endpoints and only the files given', () => {
    const cmd = apiServerCommand(
      spc((c) => {
        c.cluster.etcd = { external: { endpoints: ['https://e1:2379', 'https://e2:2379'], caFile: '/ext/ca.crt', certFile: '', keyFile: '/ext/k' } };
      }),
    );
    expect(cmd).toContain('--etcd-servers=https://e1:2379,https://e2:2379');
    expect(cmd).toContain('--etcd-cafile=/ext/ca.crt');
    expect(cmd.some((a) => a.startsWith('--etcd-certfile'))).toBe(false);
    expect(cmd.some((a) => a.startsWith('--etcd-keyfile'))).toBe(false);
  });
  it('takes etcd-servers from the local etcd advertise-client-urls extra arg', () => {
    const cmd = apiServerCommand(
      spc((c) => (c.cluster.etcd.local!.extraArgs = [{ name: 'advertise-client-urls', value: 'https://10.0.0.10:2379' }])),
    );
    expect(cmd).toContain('--etcd-servers=https://10.0.0.10:2379');
  });
  it('authorization-mode from extraArgs replaces the default and goes to the tail; warning logged', () => {
    const w: string[] = [];
    const cmd = apiServerCommand(
      spc((c) => (c.cluster.apiServer.extraArgs = [{ name: 'authorization-mode', value: 'Node,Webhook,RBAC' }])),
      {},
      w,
    );
    expect(cmd.filter((a) => a.startsWith('--authorization-mode'))).toEqual(['--authorization-mode=Node,Webhook,RBAC']);
    expect(cmd[cmd.length - 1]).toBe('--authorization-mode=Node,Webhook,RBAC');
    expect(w).toEqual(['the default kube-apiserver authorization-mode is "Node,RBAC"; using "Node,Webhook,RBAC"']);
  });
  it('drops authorization-mode when authorization-config is set', () => {
    const cmd = apiServerCommand(
      spc((c) => (c.cluster.apiServer.extraArgs = [{ name: 'authorization-config', value: '/etc/authz.yaml' }])),
    );
    expect(cmd.some((a) => a.startsWith('--authorization-mode'))).toBe(false);
    expect(cmd[cmd.length - 1]).toBe('--authorization-config=/etc/authz.yaml');
  });
});

describe('controller-manager and scheduler commands', () => {
  it('kcm defaults, cluster-name, pod subnet flags', () => {
    const cmd = controllerManagerCommand(spc((c) => (c.cluster.networking.podSubnet = '192.168.0.0/16')));
    expect(cmd).toEqual([
      'kube-controller-manager',
      '--allocate-node-cidrs=true',
      '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--bind-address=127.0.0.1',
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      '--cluster-cidr=192.168.0.0/16',
      '--cluster-name=kubernetes',
      '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
      '--cluster-signing-key-file=/etc/kubernetes/pki/ca.key',
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--leader-elect=true',
      '--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt',
      '--root-ca-file=/etc/kubernetes/pki/ca.crt',
      '--service-account-private-key-file=/etc/kubernetes/pki/sa.key',
      '--service-cluster-ip-range=10.96.0.0/12',
      '--use-service-account-credentials=true',
    ]);
  });
  it('kcm in external-CA mode gets empty signing files', () => {
    const cmd = controllerManagerCommand(spc(), { externalCA: true });
    expect(cmd).toContain('--cluster-signing-cert-file=');
    expect(cmd).toContain('--cluster-signing-key-file=');
  });
  it('scheduler', () => {
    expect(schedulerCommand(spc())).toEqual([
      'kube-scheduler',
      '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--bind-address=127.0.0.1',
      '--kubeconfig=/etc/kubernetes/scheduler.conf',
      '--leader-elect=true',
    ]);
  });
});

describe('etcd command', () => {
  it('single member', () => {
    expect(etcdCommand(spc())).toEqual([
      'etcd',
      '--advertise-client-urls=https://10.0.0.10:2379',
      '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
      '--client-cert-auth=true',
      '--data-dir=/var/lib/etcd',
      '--feature-gates=InitialCorruptCheck=true',
      '--initial-advertise-peer-urls=https://10.0.0.10:2380',
      '--initial-cluster=cp-1=https://10.0.0.10:2380',
      '--key-file=/etc/kubernetes/pki/etcd/server.key',
      '--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379',
      '--listen-metrics-urls=http://127.0.0.1:2381',
      '--listen-peer-urls=https://10.0.0.10:2380',
      '--name=cp-1',
      '--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt',
      '--peer-client-cert-auth=true',
      '--peer-key-file=/etc/kubernetes/pki/etcd/peer.key',
      '--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
      '--snapshot-count=10000',
      '--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt',
      '--watch-progress-notify-interval=5s',
    ]);
  });
  it('joining member lists the cluster and sets state existing; IPv6 brackets', () => {
    const cmd = etcdCommand(
      spc((c) => (c.localAPIEndpoint.advertiseAddress = 'fd00::2')),
      [
        { name: 'cp-1', peerURL: 'https://[fd00::1]:2380' },
        { name: 'cp-1', peerURL: 'https://[fd00::2]:2380' },
      ],
    );
    expect(cmd).toContain('--initial-cluster=cp-1=https://[fd00::1]:2380,cp-1=https://[fd00::2]:2380');
    expect(cmd).toContain('--initial-cluster-state=existing');
    expect(cmd).toContain('--listen-client-urls=https://[::1]:2379,https://[fd00::2]:2379');
    expect(cmd).toContain('--listen-metrics-urls=http://[::1]:2381');
  });
  it('refuses external etcd', () => {
    expect(() =>
      renderEtcdPod(spc((c) => (c.cluster.etcd = { external: { endpoints: ['x'], caFile: '', certFile: '', keyFile: '' } }))),
    ).toThrow(/external etcd/);
  });
});

describe('pods', () => {
  it('images and helpers', () => {
    const c = defaultCluster();
    expect(kubernetesImage('kube-apiserver', c)).toBe('registry.k8s.io/kube-apiserver:v1.37.2');
    c.kubernetesVersion = 'v1.37.2+abc';
    expect(kubernetesImage('kube-scheduler', c)).toBe('registry.k8s.io/kube-scheduler:v1.37.2_abc');
    expect(etcdImage(c)).toBe('registry.k8s.io/etcd:3.7.0-0');
    c.etcd.local!.imageRepository = 'my.reg/etcd-mirror';
    c.etcd.local!.imageTag = '3.6.99';
    expect(etcdImage(c)).toBe('my.reg/etcd-mirror/etcd:3.6.99');
    expect(manifestPath('etcd')).toBe('/etc/kubernetes/manifests/etcd.yaml');
    expect(parseGoDurationSeconds('4m0s')).toBe(240);
    expect(parseGoDurationSeconds('1m30.5s')).toBe(90.5);
  });

  it('proxy env: *_proxy in any case, non-empty, merged with extraEnvs (later wins), sorted', () => {
    const proxy = proxyEnvVars({ HTTP_PROXY: 'http://a', no_proxy: 'x', FTP_PROXY: '', PATH: '/bin', Foo_Proxy: 'y' });
    expect(proxy.map((e) => e.name).sort()).toEqual(['Foo_Proxy', 'HTTP_PROXY', 'no_proxy']);
    expect(mergeEnvVars(proxy, [{ name: 'HTTP_PROXY', value: 'http://b' }, { name: 'A', value: '1' }])).toEqual([
      { name: 'A', value: '1' },
      { name: 'Foo_Proxy', value: 'y' },
      { name: 'HTTP_PROXY', value: 'http://b' },
      { name: 'no_proxy', value: 'x' },
    ]);
  });

  it('startup probe failureThreshold = ceil(controlPlaneComponentHealthCheck / 10s)', () => {
    const cfg = defaultInit();
    cfg.init.timeouts.controlPlaneComponentHealthCheck = '1m35s';
    const pods = renderControlPlanePods(cfg);
    expect(pods['kube-apiserver'].spec.containers[0]!.startupProbe!.failureThreshold).toBe(10);
    expect(renderEtcdPod(cfg).spec.containers[0]!.startupProbe!.failureThreshold).toBe(10);
  });

  it('probe hosts: apiserver advertise address; kcm/scheduler bind-address (unspecified → none)', () => {
    const cfg = defaultInit();
    cfg.cluster.controllerManager.extraArgs = [{ name: 'bind-address', value: '0.0.0.0' }];
    cfg.cluster.scheduler.extraArgs = [{ name: 'bind-address', value: '10.1.1.1' }];
    const pods = renderControlPlanePods(cfg);
    expect(pods['kube-apiserver'].spec.containers[0]!.livenessProbe!.httpGet!.host).toBe('10.0.0.10');
    expect(pods['kube-controller-manager'].spec.containers[0]!.livenessProbe!.httpGet).toEqual({
      path: '/healthz',
      port: 'probe-port',
      scheme: 'HTTPS',
    });
    expect(pods['kube-controller-manager'].spec.containers[0]!.readinessProbe).toBeUndefined();
    expect(pods['kube-scheduler'].spec.containers[0]!.readinessProbe!.httpGet!.host).toBe('10.1.1.1');
    expect(pods['kube-scheduler'].spec.containers[0]!.readinessProbe!.httpGet!.path).toBe('/readyz');
  });

  it('volumes: optional CA dirs, extra volumes replace by name, external etcd cert dirs', () => {
    const cfg = defaultInit();
    cfg.cluster.etcd = {
      external: {
        endpoints: ['https://e:2379'],
        caFile: '/etc/etcd/pki/ca.crt',
        certFile: '/etc/etcd/pki/client/c.crt',
        keyFile: '/etc/ssl/certs/k.key',
      },
    };
    cfg.cluster.apiServer.extraVolumes = [
      { name: 'ca-certs', hostPath: '/opt/certs', mountPath: '/etc/ssl/certs', readOnly: false },
      { name: 'audit', hostPath: '/var/log/audit', mountPath: '/audit', pathType: 'DirectoryOrCreate', readOnly: true },
    ];
    const pods = renderControlPlanePods(cfg, { existingCaCertDirs: ['/usr/share/ca-certificates', '/etc/pki/ca-trust'] });
    const api = pods['kube-apiserver'];
    expect(api.spec.volumes!.map((v) => v.name)).toEqual([
      'audit',
      'ca-certs',
      'etc-pki-ca-trust',
      'etcd-certs-0',
      'k8s-certs',
      'usr-share-ca-certificates',
    ]);
    expect(api.spec.volumes![1]).toEqual({ name: 'ca-certs', hostPath: { path: '/opt/certs', type: '' } });
    expect(api.spec.containers[0]!.volumeMounts![1]).toEqual({ name: 'ca-certs', mountPath: '/etc/ssl/certs' });
    expect(api.spec.volumes![3]).toEqual({ name: 'etcd-certs-0', hostPath: { path: '/etc/etcd/pki', type: 'DirectoryOrCreate' } });
    const kcm = pods['kube-controller-manager'];
    expect(kcm.spec.volumes!.map((v) => v.name)).toEqual([
      'ca-certs',
      'etc-pki-ca-trust',
      'k8s-certs',
      'kubeconfig',
      'usr-share-ca-certificates',
    ]);
    expect(kcm.spec.volumes![3]!.hostPath).toEqual({ path: '/etc/kubernetes/controller-manager.conf', type: 'FileOrCreate' });
    expect(pods['kube-scheduler'].spec.volumes!.map((v) => v.name)).toEqual(['kubeconfig']);
  });

  it('etcd pod: no proxy env, extraEnvs only, probes on metrics URL, annotation', () => {
    const cfg = defaultInit();
    cfg.cluster.etcd.local!.extraEnvs = [{ name: 'ETCD_X', value: '1' }];
    cfg.cluster.etcd.local!.extraArgs = [{ name: 'listen-metrics-urls', value: 'https://0.0.0.0:12381,http://127.0.0.1:2381' }];
    const pod = renderEtcdPod(cfg, { proxyEnv: { HTTPS_PROXY: 'http://p' } });
    const c = pod.spec.containers[0]!;
    expect(c.env).toEqual([{ name: 'ETCD_X', value: '1' }]);
    expect(c.livenessProbe!.httpGet).toEqual({ host: '0.0.0.0', path: '/livez', port: 'probe-port', scheme: 'HTTPS' });
    expect(c.startupProbe!.httpGet!.path).toBe('/readyz');
    expect(c.ports).toEqual([{ name: 'probe-port', containerPort: 12381, protocol: 'TCP' }]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '100Mi' } });
    expect(pod.metadata.annotations).toEqual({ 'kubeadm.kubernetes.io/etcd.advertise-client-urls': 'https://10.0.0.10:2379' });
    expect(pod.spec.volumes).toEqual([
      { name: 'etcd-certs', hostPath: { path: '/etc/kubernetes/pki/etcd', type: 'DirectoryOrCreate' } },
      { name: 'etcd-data', hostPath: { path: '/var/lib/etcd', type: 'DirectoryOrCreate' } },
    ]);
  });

  it('warnings are reported for an unknown authorization mode', () => {
    const cfg = defaultInit();
    cfg.cluster.apiServer.extraArgs = [{ name: 'authorization-mode', value: 'Node,Bogus,RBAC' }];
    const r = renderControlPlanePodsWithWarnings(cfg);
    expect(r.warnings).toEqual(['ignoring unknown kube-apiserver authorization-mode "Bogus"']);
  });

  it('exports the extra CA paths kubeadm checks', () => {
    expect(CA_CERTS_EXTRA_VOLUME_PATHS).toEqual([
      '/etc/pki/ca-trust',
      '/etc/pki/tls/certs',
      '/etc/ca-certificates',
      '/usr/share/ca-certificates',
      '/usr/local/share/ca-certificates',
    ]);
  });
});

describe('manifest YAML', () => {
  it('scheduler manifest matches kubeadm 1.37 layout byte for byte', () => {
    const yaml = toManifestYaml(renderControlPlanePods(defaultInit())['kube-scheduler']);
    expect(yaml).toBe(`apiVersion: v1
kind: Pod
metadata:
  labels:
    component: kube-scheduler
    tier: control-plane
  name: kube-scheduler
  namespace: kube-system
spec:
  containers:
  - command:
    - kube-scheduler
    - --authentication-kubeconfig=/etc/kubernetes/scheduler.conf
    - --authorization-kubeconfig=/etc/kubernetes/scheduler.conf
    - --bind-address=127.0.0.1
    - --kubeconfig=/etc/kubernetes/scheduler.conf
    - --leader-elect=true
    image: registry.k8s.io/kube-scheduler:v1.37.2
    imagePullPolicy: IfNotPresent
    livenessProbe:
      failureThreshold: 8
      httpGet:
        host: 127.0.0.1
        path: /livez
        port: probe-port
        scheme: HTTPS
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    name: kube-scheduler
    ports:
    - containerPort: 10259
      name: probe-port
      protocol: TCP
    readinessProbe:
      failureThreshold: 3
      httpGet:
        host: 127.0.0.1
        path: /readyz
        port: probe-port
        scheme: HTTPS
      periodSeconds: 1
      timeoutSeconds: 15
    resources:
      requests:
        cpu: 100m
    startupProbe:
      failureThreshold: 24
      httpGet:
        host: 127.0.0.1
        path: /livez
        port: probe-port
        scheme: HTTPS
      initialDelaySeconds: 10
      periodSeconds: 10
      timeoutSeconds: 15
    volumeMounts:
    - mountPath: /etc/kubernetes/scheduler.conf
      name: kubeconfig
      readOnly: true
  hostNetwork: true
  priority: 2000001000
  priorityClassName: system-node-critical
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  volumes:
  - hostPath:
      path: /etc/kubernetes/scheduler.conf
      type: FileOrCreate
    name: kubeconfig
status: {}
`);
  });
});
