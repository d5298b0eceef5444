// Public surface of the manifests module: static Pods, --patches, kubelet-start files, and the
// go-yaml compatible writer they share.
export * from './staticpods.js';
export type * from './pod.js';
export * from './patches.js';
export { normalizePod, patchStaticPod, canonicalQuantity } from './podnormalize.js';
export * from './kubelet.js';
export { toGoYaml, normalizeJson, sortKeysGoYaml, type JsonValue } from './goyaml.js';
export { parseGoYaml, splitYamlDocuments } from './yamlload.js';
export { argumentsToCommand, getArgValue, setArgValues, type MergeableArg, type ArgMergeMethod } from './args.js';
export { goQuote, parseGoDuration, formatGoDuration } from './gofmt.js';
