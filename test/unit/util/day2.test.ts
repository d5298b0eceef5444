// Pure parts of the day-2 commands: the join command text (upstream's template in cmd/util/join.go),
// bootstrap-token Secrets read back as kubeadm's BootstrapTokenFromSecret reads them, the TTL column
// (apimachinery's ShortHumanDuration), Go's tabwriter and the --output printer choice.
import { describe, expect, it } from 'vitest';
import { bootstrapTokenSecret } from '../../../src/kube/objects/bootstraptoken.js';
import { joinCommand, oneLineJoinCommand } from '../../../src/util/joincommand.js';
import { tabwrite } from '../../../src/util/tabwriter.js';
import { PrinterError, printerFor } from '../../../src/printers/printer.js';
import { shortHumanDuration, tokenFromSecret, tokenObject, tokenRow } from '../../../src/token/list.js';
import { tokenIdOf, tokenIdsOf } from '../../../src/token/delete.js';
import type { SecretObject } from '../../../src/kube/types.js';

const PIN = 'sha256:' + 'a'.repeat(64);

describe('join command', () => {
  it("follows upstream's template: continuation lines, a space after every pin and after --control-plane", () => {
    // join.go: `kubeadm join {{.ControlPlaneHostPort}} --token {{.Token}} \` NL TAB
    //   `{{range}}--discovery-token-ca-cert-hash {{$h}} {{end}}{{if .ControlPlane}}\` NL TAB `--control-plane {{if key}}--certificate-key K{{end}}{{end}}`
    expect(joinCommand({ endpoint: '10.0.0.1:6443', token: 't', pins: [PIN], controlPlane: false }, 'kubeadm')).toBe(
      `kubeadm join 10.0.0.1:6443 --token t \\\n\t--discovery-token-ca-cert-hash ${PIN} `,
    );
    expect(joinCommand({ endpoint: 'e:1', token: 't', pins: [PIN, PIN], controlPlane: true, certificateKey: 'k' })).toBe(
      `tskubeadm join e:1 --token t \\\n\t--discovery-token-ca-cert-hash ${PIN} --discovery-token-ca-cert-hash ${PIN} \\\n\t--control-plane --certificate-key k`,
    );
    expect(joinCommand({ endpoint: 'e:1', token: 't', pins: [], controlPlane: true })).toBe('tskubeadm join e:1 --token t \\\n\t\\\n\t--control-plane ');
  });

  it('the one-line form drops every backslash-newline and tab', () => {
    expect(oneLineJoinCommand({ endpoint: 'e:1', token: 't', pins: [PIN], controlPlane: true, certificateKey: 'k' })).toBe(
      `tskubeadm join e:1 --token t --discovery-token-ca-cert-hash ${PIN} --control-plane --certificate-key k`,
    );
  });
});

const secretWith = (name: string, data: Record<string, string>): SecretObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'kube-system' },
  type: 'bootstrap.kubernetes.io/token',
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

describe('bootstrap-token Secrets read back', () => {
  it('what the renderer writes reads back with sorted usages, groups in order, the expiration', () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const s = bootstrapTokenSecret(
      { token: 'abcdef.0123456789abcdef', description: 'd', ttl: '1h0m0s', usages: ['signing', 'authentication'], groups: ['system:bootstrappers:b', 'system:bootstrappers:a'] },
      now,
    );
    expect(tokenFromSecret(s)).toEqual({
      token: 'abcdef.0123456789abcdef',
      description: 'd',
      expires: '2026-01-02T04:04:05Z',
      usages: ['authentication', 'signing'],
      groups: ['system:bootstrappers:b', 'system:bootstrappers:a'],
    });
    expect(Object.keys(tokenObject(tokenFromSecret(s) as never))).toEqual(['kind', 'apiVersion', 'token', 'description', 'expires', 'usages', 'groups']);
  });

  it('a usage set to anything but "true" is not a usage; no groups and no expiration stay absent', () => {
    const s = secretWith('bootstrap-token-abcdef', { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-signing': 'false', 'auth-extra-groups': '' });
    expect(tokenFromSecret(s)).toEqual({ token: 'abcdef.0123456789abcdef' });
  });

  it("malformed Secrets give BootstrapTokenFromSecret's messages", () => {
    expect(tokenFromSecret(secretWith('bootstrap-token-abcdef', {}))).toBe('bootstrap Token Secret has no token-id data: bootstrap-token-abcdef');
    expect(tokenFromSecret(secretWith('bootstrap-token-zzzzzz', { 'token-id': 'abcdef' }))).toBe(
      `bootstrap token name is not of the form 'bootstrap-token-(token-id)'. Actual: "bootstrap-token-zzzzzz". Expected: "bootstrap-token-abcdef"`,
    );
    expect(tokenFromSecret(secretWith('bootstrap-token-abcdef', { 'token-id': 'abcdef' }))).toBe('bootstrap Token Secret has no token-secret data: bootstrap-token-abcdef');
    expect(tokenFromSecret(secretWith('bootstrap-token-abcdef', { 'token-id': 'abcdef', 'token-secret': '0123456789abcdef', expiration: 'tomorrow' }))).toMatch(
      /^can't parse expiration time of bootstrap token "bootstrap-token-abcdef"/,
    );
  });
});

describe('the token table', () => {
  it("TTL is ShortHumanDuration: seconds, minutes, hours, days, years; '0s' just past, '<invalid>' beyond 2 s", () => {
    expect(shortHumanDuration(59_999)).toBe('59s');
    expect(shortHumanDuration(60_000)).toBe('1m');
    expect(shortHumanDuration(3_599_999)).toBe('59m');
    expect(shortHumanDuration(23 * 3_600_000 + 59 * 60_000)).toBe('23h');
    expect(shortHumanDuration(48 * 3_600_000)).toBe('2d');
    expect(shortHumanDuration(400 * 24 * 3_600_000)).toBe('1y');
    expect(shortHumanDuration(-1_500)).toBe('0s');
    expect(shortHumanDuration(-2_000)).toBe('<invalid>');
  });

  it('a row pads TTL to 9, usages to 22, description to 56 (formatBootstrapToken)', () => {
    const row = tokenRow({ token: 'abcdef.0123456789abcdef' }, new Date());
    expect(row).toEqual(['abcdef.0123456789abcdef', '<forever>', '<never>', '<none>'.padEnd(22), '<none>'.padEnd(56), '<none>']);
  });

  it("tabwriter: every cell but the last padded to the column's widest cell + padding, at least minwidth", () => {
    expect(tabwrite('A\tBB\tlast\nCCCCCCCCCC\tD\tx\n', { minWidth: 10, padding: 3 })).toBe('A            BB        last\nCCCCCCCCCC   D         x\n');
  });
});

describe('token delete arguments', () => {
  it('an ID or a whole token gives the ID; anything else is refused before any deletion', () => {
    expect(tokenIdOf('abcdef')).toBe('abcdef');
    expect(tokenIdOf('abcdef.0123456789abcdef')).toBe('abcdef');
    expect(tokenIdOf('ABCDEF')).toBeUndefined();
    expect(() => tokenIdsOf(['abcdef', 'nope'])).toThrow(/given token didn't match pattern/);
    expect(() => tokenIdsOf([])).toThrow(/missing argument; 'token delete' is missing token of form/);
  });
});

describe('--output', () => {
  const opts = { allowMissingTemplateKeys: true, readFile: async () => '' };
  it('text exactly (the command prints it), json/yaml/kyaml in any case; anything else refused with kubeadm\'s reason', async () => {
    expect(await printerFor('text', opts)).toBe('text');
    expect(await printerFor('YAML', opts)).not.toBe('text');
    const refused: [string, RegExp][] = [
      ['Text', /unable to match a printer suitable for the output format "Text", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,template,templatefile,text,yaml$/],
      ['', /output format ""/],
      ['wide', /output format "wide"/],
      ['jsonpath', /^template format specified but no template given$/],
      ['go-template={{.a', /^error parsing template {{.a, template: output:1: unclosed action$/],
      ['jsonpath={.a', /^error parsing jsonpath {.a, unclosed action$/],
    ];
    for (const [bad, why] of refused) {
      const err = await printerFor(bad, opts).catch((e: unknown) => e);
      expect(err, bad).toBeInstanceOf(PrinterError);
      expect((err as Error).message, bad).toMatch(why);
    }
  });

  it("json is encoding/json's: four-space indent, <, > and & escaped", async () => {
    const p = await printerFor('json', opts);
    expect(p !== 'text' && p.print({ a: ['<&>'] })).toBe('{\n    "a": [\n        "\\u003c\\u0026\\u003e"\n    ]\n}\n');
  });
});
