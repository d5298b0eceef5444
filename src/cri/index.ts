// CRI access for tskubeadm: a gRPC client over the runtime's unix socket (no crictl).
export * from './client.js';
export { CriError, GrpcCode, grpcCodeName, isUnimplemented } from './errors.js';
export { CRI_PROTO } from './proto.js';
