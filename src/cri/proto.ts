// The part of the CRI v1 API (package runtime.v1) that tskubeadm speaks.
// Service, message and field numbers follow the official k8s.io/cri-api api.proto;
// fields we never read are simply left out (protobuf decoders skip unknown fields).
// Kept as a string so that the plain `tsc` build needs no asset copying; a tiny parser
// below turns it into the protobufjs JSON form that @grpc/proto-loader accepts.

export const CRI_PROTO = `
package runtime.v1;

service RuntimeService {
  rpc Version(VersionRequest) returns (VersionResponse) {}
  rpc StopPodSandbox(StopPodSandboxRequest) returns (StopPodSandboxResponse) {}
  rpc RemovePodSandbox(RemovePodSandboxRequest) returns (RemovePodSandboxResponse) {}
  rpc ListPodSandbox(ListPodSandboxRequest) returns (ListPodSandboxResponse) {}
  rpc StopContainer(StopContainerRequest) returns (StopContainerResponse) {}
  rpc RemoveContainer(RemoveContainerRequest) returns (RemoveContainerResponse) {}
  rpc ListContainers(ListContainersRequest) returns (ListContainersResponse) {}
  rpc ContainerStatus(ContainerStatusRequest) returns (ContainerStatusResponse) {}
  rpc Status(StatusRequest) returns (StatusResponse) {}
  rpc RuntimeConfig(RuntimeConfigRequest) returns (RuntimeConfigResponse) {}
}

service ImageService {
  rpc ListImages(ListImagesRequest) returns (ListImagesResponse) {}
  rpc ImageStatus(ImageStatusRequest) returns (ImageStatusResponse) {}
  rpc PullImage(PullImageRequest) returns (PullImageResponse) {}
  rpc ImageFsInfo(ImageFsInfoRequest) returns (ImageFsInfoResponse) {}
}

message VersionRequest {
  string version = 1;
}

message VersionResponse {
  string version = 1;
  string runtime_name = 2;
  string runtime_version = 3;
  string runtime_api_version = 4;
}

enum PodSandboxState {
  SANDBOX_READY = 0;
  SANDBOX_NOTREADY = 1;
}

message PodSandboxMetadata {
  string name = 1;
  string uid = 2;
  string namespace = 3;
  uint32 attempt = 4;
}

message PodSandboxStateValue {
  PodSandboxState state = 1;
}

message PodSandboxFilter {
  string id = 1;
  PodSandboxStateValue state = 2;
  map<string, string> label_selector = 3;
}

message ListPodSandboxRequest {
  PodSandboxFilter filter = 1;
}

message PodSandbox {
  string id = 1;
  PodSandboxMetadata metadata = 2;
  PodSandboxState state = 3;
  int64 created_at = 4;
  map<string, string> labels = 5;
  map<string, string> annotations = 6;
  string runtime_handler = 7;
}

message ListPodSandboxResponse {
  repeated PodSandbox items = 1;
}

message StopPodSandboxRequest {
  string pod_sandbox_id = 1;
}

message StopPodSandboxResponse {}

message RemovePodSandboxRequest {
  string pod_sandbox_id = 1;
}

message RemovePodSandboxResponse {}

message ImageSpec {
  string image = 1;
  map<string, string> annotations = 2;
  string user_specified_image = 18;
  string runtime_handler = 19;
  string image_ref = 20;
}

enum ContainerState {
  CONTAINER_CREATED = 0;
  CONTAINER_RUNNING = 1;
  CONTAINER_EXITED = 2;
  CONTAINER_UNKNOWN = 3;
}

message ContainerMetadata {
  string name = 1;
  uint32 attempt = 2;
}

message ContainerStateValue {
  ContainerState state = 1;
}

message ContainerFilter {
  string id = 1;
  ContainerStateValue state = 2;
  string pod_sandbox_id = 3;
  map<string, string> label_selector = 4;
}

message ListContainersRequest {
  ContainerFilter filter = 1;
}

message Container {
  string id = 1;
  string pod_sandbox_id = 2;
  ContainerMetadata metadata = 3;
  ImageSpec image = 4;
  string image_ref = 5;
  ContainerState state = 6;
  int64 created_at = 7;
  map<string, string> labels = 8;
  map<string, string> annotations = 9;
  string image_id = 10;
}

message ListContainersResponse {
  repeated Container containers = 1;
}

message StopContainerRequest {
  string container_id = 1;
  int64 timeout = 2;
}

message StopContainerResponse {}

message RemoveContainerRequest {
  string container_id = 1;
}

message RemoveContainerResponse {}

message ContainerStatusRequest {
  string container_id = 1;
  bool verbose = 2;
}

message ContainerStatus {
  string id = 1;
  ContainerMetadata metadata = 2;
  ContainerState state = 3;
  int64 created_at = 4;
  int64 started_at = 5;
  int64 finished_at = 6;
  int32 exit_code = 7;
  ImageSpec image = 8;
  string image_ref = 9;
  string reason = 10;
  string message = 11;
  map<string, string> labels = 12;
  map<string, string> annotations = 13;
  string log_path = 15;
  string image_id = 17;
}

message ContainerStatusResponse {
  ContainerStatus status = 1;
  map<string, string> info = 2;
}

message RuntimeCondition {
  string type = 1;
  bool status = 2;
  string reason = 3;
  string message = 4;
}

message RuntimeStatus {
  repeated RuntimeCondition conditions = 1;
}

message StatusRequest {
  bool verbose = 1;
}

message StatusResponse {
  RuntimeStatus status = 1;
  map<string, string> info = 2;
}

enum CgroupDriver {
  SYSTEMD = 0;
  CGROUPFS = 1;
}

message LinuxRuntimeConfiguration {
  CgroupDriver cgroup_driver = 1;
}

message RuntimeConfigRequest {}

message RuntimeConfigResponse {
  LinuxRuntimeConfiguration linux = 1;
}

message Int64Value {
  int64 value = 1;
}

message Image {
  string id = 1;
  repeated string repo_tags = 2;
  repeated string repo_digests = 3;
  uint64 size = 4;
  Int64Value uid = 5;
  string username = 6;
  ImageSpec spec = 7;
  bool pinned = 8;
}

message ImageFilter {
  ImageSpec image = 1;
}

message ListImagesRequest {
  ImageFilter filter = 1;
}

message ListImagesResponse {
  repeated Image images = 1;
}

message ImageStatusRequest {
  ImageSpec image = 1;
  bool verbose = 2;
}

message ImageStatusResponse {
  Image image = 1;
  map<string, string> info = 2;
}

message AuthConfig {
  string username = 1;
  string password = 2;
  string auth = 3;
  string server_address = 4;
  string identity_token = 5;
  string registry_token = 6;
}

message PodSandboxConfig {}

message PullImageRequest {
  ImageSpec image = 1;
  AuthConfig auth = 2;
  PodSandboxConfig sandbox_config = 3;
}

message PullImageResponse {
  string image_ref = 1;
}

message ImageFsInfoRequest {}

message ImageFsInfoResponse {}
`;

// ---- a parser for the flat proto3 subset above (no nesting, oneofs or options) ----

export interface JsonField {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: string;
}
export interface JsonMessage {
  fields: Record<string, JsonField>;
}
export interface JsonEnum {
  values: Record<string, number>;
}
export interface JsonService {
  methods: Record<string, { requestType: string; responseType: string }>;
}
/** protobufjs INamespace-compatible JSON (the shape @grpc/proto-loader's fromJSON takes) */
export interface JsonNamespace {
  nested: Record<string, JsonNamespace | JsonMessage | JsonEnum | JsonService>;
}

export function protoToJson(text: string): JsonNamespace {
  const src = text.replace(/\/\/[^\n]*/g, '');
  const pkg = /package\s+([\w.]+)\s*;/.exec(src);
  if (!pkg) throw new Error('proto: missing package');
  const defs: Record<string, JsonMessage | JsonEnum | JsonService> = {};
  const block = /\b(message|enum|service)\s+(\w+)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = block.exec(src)) !== null) {
    const [, kind, name] = m as unknown as [string, string, string];
    // find the matching brace (rpc lines contain "{}")
    let depth = 1;
    let i = block.lastIndex;
    for (; i < src.length && depth > 0; i++) {
      if (src[i] === '{') depth++;
      else if (src[i] === '}') depth--;
    }
    const body = src.slice(block.lastIndex, i - 1);
    block.lastIndex = i;
    if (defs[name]) throw new Error(`proto: duplicate definition ${name}`);
    if (kind === 'message') defs[name] = parseMessage(name, body);
    else if (kind === 'enum') defs[name] = parseEnum(name, body);
    else defs[name] = parseService(name, body);
  }
  let root: JsonNamespace = { nested: defs };
  for (const part of pkg[1]!.split('.').reverse()) root = { nested: { [part]: root } };
  return root;
}

function statements(body: string): string[] {
  return body
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s.length > 0);
}

function parseMessage(name: string, body: string): JsonMessage {
  const fields: Record<string, JsonField> = {};
  for (const st of statements(body)) {
    const map = /^map<\s*(\w+)\s*,\s*([\w.]+)\s*> (\w+) = (\d+)$/.exec(st);
    if (map) {
      fields[camel(map[3]!)] = { keyType: map[1]!, type: map[2]!, id: Number(map[4]) };
      continue;
    }
    const f = /^(repeated )?([\w.]+) (\w+) = (\d+)$/.exec(st);
    if (!f) throw new Error(`proto: cannot parse field "${st}" in ${name}`);
    const field: JsonField = { type: f[2]!, id: Number(f[4]) };
    if (f[1]) field.rule = 'repeated';
    fields[camel(f[3]!)] = field;
  }
  return { fields };
}

function parseEnum(name: string, body: string): JsonEnum {
  const values: Record<string, number> = {};
  for (const st of statements(body)) {
    const v = /^(\w+) = (-?\d+)$/.exec(st);
    if (!v) throw new Error(`proto: cannot parse enum value "${st}" in ${name}`);
    values[v[1]!] = Number(v[2]);
  }
  return { values };
}

function parseService(name: string, body: string): JsonService {
  const methods: JsonService['methods'] = {};
  const rpc = /rpc\s+(\w+)\s*\(\s*([\w.]+)\s*\)\s*returns\s*\(\s*([\w.]+)\s*\)/g;
  let r: RegExpExecArray | null;
  while ((r = rpc.exec(body)) !== null) methods[r[1]!] = { requestType: r[2]!, responseType: r[3]! };
  if (Object.keys(methods).length === 0) throw new Error(`proto: service ${name} has no methods`);
  return { methods };
}

// protobufjs JSON uses the camelCase field names it would derive from the .proto file
function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
