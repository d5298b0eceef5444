// The slice of the core/v1 Pod API that kubeadm's static Pods use. Each object carries exactly the
// members Go's JSON encoder emits for it (empty `omitempty` members absent; `resources` and
// `status` always present), so that serialising it gives the same bytes as kubeadm's files.

export interface HostPathVolumeSource {
  path: string;
  /** present whenever kubeadm set a type pointer, even to "" */
  type?: string;
}

export interface Volume {
  name: string;
  hostPath?: HostPathVolumeSource;
  [source: string]: unknown;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  [field: string]: unknown;
}

export interface HTTPGetAction {
  host?: string;
  path?: string;
  port: string | number;
  scheme?: string;
  [field: string]: unknown;
}

export interface Probe {
  httpGet?: HTTPGetAction;
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
  [field: string]: unknown;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  [field: string]: unknown;
}

export interface PodEnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

export interface ResourceRequirements {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  env?: PodEnvVar[];
  imagePullPolicy?: string;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  ports?: ContainerPort[];
  resources: ResourceRequirements;
  volumeMounts?: VolumeMount[];
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  hostNetwork?: boolean;
  priority?: number;
  priorityClassName?: string;
  securityContext?: Record<string, unknown>;
  volumes?: Volume[];
  [field: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status: Record<string, unknown>;
}
