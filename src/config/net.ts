// URL and image-reference checks with the semantics of the Go code kubeadm validates with (url.Parse,
// distribution/reference). IP addresses, CIDRs, host:port and DNS names: ../util/net.ts.

/** The scheme of a URL as Go's url.Parse finds it; {error} for what url.Parse rejects. */
export function urlScheme(raw: string): { scheme: string } | { error: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: `parse "${raw}": net/url: invalid control character in URL` };
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return { error: `parse "${raw}": missing protocol scheme` };
      scheme = raw.slice(0, i).toLowerCase();
      rest = raw.slice(i + 1);
    }
    break;
  }
  if (scheme === '') {
    const seg = rest.split('/')[0] ?? '';
    if (seg.includes(':')) return { error: `parse "${raw}": first path segment in URL cannot contain colon` };
  }
  if (/%(?![0-9a-fA-F]{2})/.test(rest)) {
    const bad = /%.{0,2}/.exec(rest.slice(rest.search(/%(?![0-9a-fA-F]{2})/)))![0];
    return { error: `parse "${raw}": invalid URL escape "${bad}"` };
  }
  return { scheme };
}

// Docker image reference grammar (github.com/distribution/reference), used to validate image repositories.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6_DOMAIN = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6_DOMAIN})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export function isValidImageReference(ref: string): boolean {
  return REFERENCE_RE.test(ref);
}
