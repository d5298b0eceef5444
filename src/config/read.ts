// From file text to decoded (not yet defaulted) v1beta4 documents, converting v1beta3 on the way.
import type { FieldProblem } from '../errors.js';
import type { ComponentConfig } from './types.js';
import * as C from './constants.js';
import { convertClusterV1beta3, convertInitV1beta3, convertJoinV1beta3 } from './convert.js';
import { decodeDocument, lineFor, problemAt, splitDocuments, type RawDocument } from './documents.js';
import type {
  RawClusterV1beta3,
  RawClusterV1beta4,
  RawInitV1beta3,
  RawInitV1beta4,
  RawJoinV1beta3,
  RawJoinV1beta4,
  RawResetV1beta4,
  RawUpgradeV1beta4,
} from './schema.js';
import type { Locator } from './validate.js';

export interface Decoded<T> {
  raw: T;
  doc: RawDocument;
}

export interface ReadResult {
  init?: Decoded<RawInitV1beta4>;
  cluster?: Decoded<RawClusterV1beta4>;
  join?: Decoded<RawJoinV1beta4>;
  reset?: Decoded<RawResetV1beta4>;
  upgrade?: Decoded<RawUpgradeV1beta4>;
  kubelet?: ComponentConfig;
  kubeProxy?: ComponentConfig;
  /** v1beta3 apiServer.timeoutForControlPlane, to be moved into InitConfiguration.timeouts */
  controlPlaneTimeout?: string;
  /** true when some document could not be decoded at all (wrong types, bad YAML): defaults would be misleading */
  undecodable: boolean;
  /** all documents, in file order */
  docs: RawDocument[];
  problems: FieldProblem[];
  warnings: string[];
}

export interface ReadOptions {
  /** unknown fields and unknown document types are errors (config validate / migrate) instead of warnings */
  strict: boolean;
  /** kinds the caller cares about; documents of other kubeadm kinds are skipped with a warning (join/reset) */
  only?: string[];
}

const KUBEADM_KINDS = [C.INIT_KIND, C.CLUSTER_KIND, C.JOIN_KIND, C.RESET_KIND, C.UPGRADE_KIND];
const V1BETA3_KINDS = [C.INIT_KIND, C.CLUSTER_KIND, C.JOIN_KIND];

function gvkText(doc: RawDocument): string {
  return `${doc.apiVersion}, Kind=${doc.kind}`;
}

export function readConfig(text: string, file: string | undefined, opts: ReadOptions): ReadResult {
  const split = splitDocuments(text, file);
  const out: ReadResult = { docs: split.docs, problems: [...split.problems], warnings: [], undecodable: split.problems.length > 0 };
  for (const doc of split.docs) {
    const wanted = !opts.only || opts.only.includes(doc.kind);
    if (doc.group === 'kubeadm.k8s.io') {
      const old = C.OLD_API_VERSIONS[doc.apiVersion];
      if (old !== undefined) {
        out.problems.push(
          problemAt(
            doc,
            'apiVersion',
            `your configuration file uses an old API spec: "${doc.apiVersion}" (kind: "${doc.kind}"). Please use kubeadm ${old} instead and run 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`,
          ),
        );
        out.undecodable = true;
        continue;
      }
      if (doc.version === 'v1') {
        out.problems.push(
          problemAt(doc, 'apiVersion', `experimental API spec: "${doc.apiVersion}" (kind: "${doc.kind}") is not allowed; tskubeadm reads kubeadm.k8s.io/v1beta4 (and migrates v1beta3)`),
        );
        out.undecodable = true;
        continue;
      }
      const known =
        (doc.version === 'v1beta4' && KUBEADM_KINDS.includes(doc.kind)) ||
        (doc.version === 'v1beta3' && V1BETA3_KINDS.includes(doc.kind));
      if (!known) {
        const msg = `unknown configuration API: apiVersion "${doc.apiVersion}", kind "${doc.kind}"`;
        if (opts.strict || KUBEADM_KINDS.includes(doc.kind)) {
          out.problems.push(problemAt(doc, 'kind', msg));
          out.undecodable = true;
        }
        else out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${gvkText(doc)}`);
        continue;
      }
      if (!wanted) {
        out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${gvkText(doc)}`);
        continue;
      }
      const decoded = decodeDocument<unknown>(doc, opts.strict);
      out.problems.push(...decoded.problems);
      out.warnings.push(...decoded.warnings);
      if (decoded.value === undefined) {
        out.undecodable = true;
        continue;
      }
      if (doc.version === 'v1beta3') {
        out.warnings.push(
          `your configuration file uses a deprecated API spec: "${doc.apiVersion}" (kind: "${doc.kind}"). Please use 'kubeadm config migrate --old-config old-config-file --new-config new-config-file', which will write the new, similar spec using a newer API version.`,
        );
        if (doc.kind === C.INIT_KIND) out.init = { raw: convertInitV1beta3(decoded.value as RawInitV1beta3), doc };
        else if (doc.kind === C.CLUSTER_KIND) {
          const c = convertClusterV1beta3(decoded.value as RawClusterV1beta3);
          out.cluster = { raw: c.cluster, doc };
          if (c.controlPlaneTimeout !== undefined) out.controlPlaneTimeout = c.controlPlaneTimeout;
        } else out.join = { raw: convertJoinV1beta3(decoded.value as RawJoinV1beta3), doc };
        continue;
      }
      switch (doc.kind) {
        case C.INIT_KIND:
          out.init = { raw: decoded.value as RawInitV1beta4, doc };
          break;
        case C.CLUSTER_KIND:
          out.cluster = { raw: decoded.value as RawClusterV1beta4, doc };
          break;
        case C.JOIN_KIND:
          out.join = { raw: decoded.value as RawJoinV1beta4, doc };
          break;
        case C.RESET_KIND:
          out.reset = { raw: decoded.value as RawResetV1beta4, doc };
          break;
        case C.UPGRADE_KIND:
          out.upgrade = { raw: decoded.value as RawUpgradeV1beta4, doc };
          break;
      }
      continue;
    }
    const cc = C.COMPONENT_CONFIG_APIS[doc.apiVersion];
    if (cc !== undefined && cc === doc.kind) {
      if (!wanted && opts.only) {
        out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${gvkText(doc)}`);
        continue;
      }
      if (doc.kind === C.KUBELET_KIND) out.kubelet = doc.body;
      else out.kubeProxy = doc.body;
      continue;
    }
    const msg = `unknown configuration API: apiVersion "${doc.apiVersion}", kind "${doc.kind}"`;
    if (opts.strict) out.problems.push(problemAt(doc, 'kind', msg));
    else out.warnings.push(`[config] WARNING: Ignored configuration document with GroupVersionKind ${gvkText(doc)}`);
  }
  return out;
}

/** A locator that finds a field's line in whichever document of that kind was read. */
export function locatorFor(read: ReadResult, file: string | undefined): Locator {
  return (kind, path) => {
    const doc = read.docs.find((d) => d.kind === kind);
    if (!doc) return file !== undefined ? { file } : {};
    const line = lineFor(doc, path);
    return { ...(file !== undefined ? { file } : {}), ...(line !== undefined ? { line } : {}) };
  };
}
