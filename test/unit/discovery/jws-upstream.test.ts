// Our detached JWS against the real upstream signer (k8s.io/cluster-bootstrap token/jws, built from
// the pinned module) and the CA summary against Go's own x509 printing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDetachedSignature, detachedTokenIsValid } from '../../../src/discovery/jws.js';
import { formatCACertInfo } from '../../../src/discovery/cainfo.js';
import { pemBlocks } from '../../../src/pki/keys.js';
import { buildOracle, GOMODCACHE, type Oracle } from '../../helpers/go-oracle.js';

const TOKEN_TESTDATA = join(GOMODCACHE, 'k8s.io/kubernetes@v1.37.2/cmd/kubeadm/app/discovery/token/testdata');
const PKI_TESTDATA = join(GOMODCACHE, 'k8s.io/kubernetes@v1.37.2/cmd/kubeadm/app/discovery/testdata');

let oracle: Oracle;
beforeAll(async () => {
  oracle = await buildOracle();
}, 600_000);
afterAll(() => oracle?.cleanup());

const vectors: { content: string; id: string; secret: string }[] = [
  { content: '', id: 'abcdef', secret: 'abcdef0123456789' },
  { content: 'hello', id: 'abcdef', secret: 'abcdef0123456789' },
  { content: 'apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: ""\n', id: '123456', secret: '0123456789abcdef' },
  { content: 'ünïcødé ✓ 日本語 \u{1F600}', id: 'zz9zz9', secret: 'zzzzzzzzzzzzzzzz' },
  { content: 'x'.repeat(100_000), id: '000000', secret: '0000000000000000' },
  { content: '<script>&"\'\\\t\r\n', id: 'q1w2e3', secret: 'r4t5y6u7i8o9p0aa' },
];

describe('detached JWS', () => {
  it('computes the signature the upstream signer computes', async () => {
    const want = await oracle.ask(vectors.map((v) => ({ op: 'sign' as const, ...v })));
    expect(want).toHaveLength(vectors.length);
    vectors.forEach((v, i) => {
      expect(want[i]).toMatch(/^[\w-]+\.\.[\w-]+$/);
      expect(computeDetachedSignature(v.content, v.id, v.secret)).toBe(want[i]);
      expect(detachedTokenIsValid(want[i]!, v.content, v.id, v.secret)).toBe(true);
    });
  });

  it('rejects what upstream rejects: other content, secret, id, header, or a truncated signature', async () => {
    const v = vectors[2]!;
    const [sig] = await oracle.ask([{ op: 'sign', ...v }]);
    const cases = [
      { jws: sig!, content: v.content + ' ', id: v.id, secret: v.secret },
      { jws: sig!, content: v.content, id: v.id, secret: 'ffffffffffffffff' },
      { jws: sig!, content: v.content, id: '654321', secret: v.secret },
      { jws: sig!.slice(0, -1), content: v.content, id: v.id, secret: v.secret },
      { jws: sig!.replace(/^[^.]+/, Buffer.from('{"kid":"123456","alg":"HS256"}').toString('base64url')), content: v.content, id: v.id, secret: v.secret },
      { jws: sig!.replace('..', `.${Buffer.from(v.content).toString('base64url')}.`), content: v.content, id: v.id, secret: v.secret },
      { jws: '', content: v.content, id: v.id, secret: v.secret },
    ];
    const verdicts = await oracle.ask(cases.map((c) => ({ op: 'valid' as const, ...c })));
    expect(verdicts).toEqual(cases.map(() => 'false'));
    for (const c of cases) expect(detachedTokenIsValid(c.jws, c.content, c.id, c.secret)).toBe(false);
  });

  it('verifies the signature in kubeadm’s dry-run cluster-info (from upstream source)', () => {
    const src = readFileSync(join(GOMODCACHE, 'k8s.io/kubernetes@v1.37.2/cmd/kubeadm/app/util/apiclient/dryrun.go'), 'utf8');
    const body = /func getClusterInfoConfigMap\(\)[\s\S]*?dedent\.Dedent\(`([\s\S]*?)`\)[\s\S]*?"abcdef": "([^"]+)"/.exec(src);
    expect(body).not.toBeNull();
    const [, kubeconfig, jws] = body!;
    expect(detachedTokenIsValid(jws!, kubeconfig!, 'abcdef', 'abcdef0123456789')).toBe(true);
    expect(detachedTokenIsValid(jws!, kubeconfig!.replace('192.168.0.101', '192.168.0.102'), 'abcdef', 'abcdef0123456789')).toBe(false);
  });
});

describe('CA certificate summary (--v=1)', () => {
  it('prints the fields as Go prints them', async () => {
    const pems = [readFileSync(join(TOKEN_TESTDATA, 'ca-cert.pem'), 'utf8'), readFileSync(join(PKI_TESTDATA, 'ca.crt'), 'utf8')];
    const answers = await oracle.ask(pems.map((pem) => ({ op: 'cainfo' as const, pem })));
    pems.forEach((pem, i) => {
      const fields = (JSON.parse(answers[i]!) as string).split('|');
      const want =
        'CA Certificate:\n' +
        ['Subject', 'Issuer', 'SerialNumber', 'NotBefore', 'NotAfter', 'SignatureAlgorithm', 'PublicKeyAlgorithm', 'Hash'].map((k, j) => `\t${k}: ${fields[j]}`).join('\n');
      const der = pemBlocks(pem).find((b) => b.type === 'CERTIFICATE')!.der;
      expect(formatCACertInfo(der)).toBe(want);
    });
  });
});
