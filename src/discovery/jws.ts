// The detached JWS that kube-controller-manager's bootstrapsigner puts into the cluster-info
// ConfigMap (key "jws-kubeconfig-<token id>") and that join checks (k8s.io/cluster-bootstrap
// token/jws). The signer is go-jose's HS256 compact serialisation with the token secret as the HMAC
// key and the protected header {"alg":"HS256","kid":"<token id>"} (go-jose writes header members
// sorted by name), with the payload part removed: "<header>..<signature>". The check recomputes
// that string for the received content and compares it with the received one as a whole, so the
// header must match byte for byte too.

import { createHmac, timingSafeEqual } from 'node:crypto';

const b64url = (b: string | Buffer) => Buffer.from(b).toString('base64url');

/** ComputeDetachedSignature(content, tokenID, tokenSecret) */
export function computeDetachedSignature(content: string, tokenId: string, tokenSecret: string): string {
  // JSON.stringify escapes like Go's encoding/json for the token-id alphabet ([a-z0-9]); the ids
  // reaching here are always validated against it
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: tokenId }));
  const signingInput = `${header}.${b64url(content)}`;
  const sig = createHmac('sha256', Buffer.from(tokenSecret, 'utf8')).update(signingInput, 'utf8').digest();
  return `${header}..${b64url(sig)}`;
}

/** DetachedTokenIsValid: the received detached JWS equals the one computed for `content`. */
export function detachedTokenIsValid(detachedToken: string, content: string, tokenId: string, tokenSecret: string): boolean {
  const want = Buffer.from(computeDetachedSignature(content, tokenId, tokenSecret), 'utf8');
  const got = Buffer.from(detachedToken, 'utf8');
  if (got.length !== want.length) return false;
  return timingSafeEqual(got, want);
}
