// Errors of the CRI client, worded the way Go's grpc and kubeadm's runtime helper word them,
// so that preflight lines match upstream kubeadm's.
import { TskError } from '../errors.js';

/** gRPC status code names as Go's google.golang.org/grpc/codes prints them */
const CODE_NAMES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
] as const;

export const GrpcCode = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  DeadlineExceeded: 4,
  NotFound: 5,
  Unimplemented: 12,
  Unavailable: 14,
} as const;

export function grpcCodeName(code: number): string {
  return CODE_NAMES[code] ?? `Code(${code})`;
}

/** A failed CRI call. `grpcCode` is set when the runtime (or the transport) answered with a gRPC status. */
export class CriError extends TskError {
  readonly grpcCode: number | undefined;
  constructor(message: string, grpcCode?: number, cause?: unknown) {
    super(message, 1, cause !== undefined ? { cause } : {});
    this.grpcCode = grpcCode;
  }
  /** the same error with a prefix, the way Go's errors.Wrap / fmt.Errorf("...: %w") would */
  wrap(prefix: string): CriError {
    return new CriError(`${prefix}: ${this.message}`, this.grpcCode, this);
  }
}

export function isUnimplemented(e: unknown): boolean {
  return e instanceof CriError && e.grpcCode === GrpcCode.Unimplemented;
}

/** Go's text for an errno returned by connect(2) on a unix socket */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTSOCK: 'socket operation on non-socket',
  ENOTDIR: 'not a directory',
  ETIMEDOUT: 'connection timed out',
  EAGAIN: 'resource temporarily unavailable',
  ENAMETOOLONG: 'file name too long',
  EPROTOTYPE: 'protocol wrong type for socket',
  ECONNRESET: 'connection reset by peer',
  EINVAL: 'invalid argument',
};

export function errnoText(code: string | undefined, fallback: string): string {
  return (code && ERRNO_TEXT[code]) || fallback;
}

/** `rpc error: code = X desc = Y`, as a Go grpc status error prints */
export function rpcErrorText(code: number, desc: string): string {
  return `rpc error: code = ${grpcCodeName(code)} desc = ${desc}`;
}
