// The -o formats of kubeadm's listing commands and their flags' help (no printer code here, so
// that --help stays light).

export const OUTPUT_API_VERSION = 'output.kubeadm.k8s.io/v1alpha3';

export const JSON_YAML_FORMATS = ['json', 'yaml', 'kyaml'];
export const GO_TEMPLATE_FORMATS = ['go-template', 'go-template-file', 'template', 'templatefile'];
export const JSONPATH_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file'];
/** kubeadm's AllowedFormats, in its order (the --output help text) */
export const ALLOWED_OUTPUT_FORMATS = ['text', ...JSON_YAML_FORMATS, ...GO_TEMPLATE_FORMATS, ...JSONPATH_FORMATS];

export const OUTPUT_FLAG_HELP = `Output format. One of: ${ALLOWED_OUTPUT_FORMATS.join('|')}.`;
export const ALLOW_MISSING_HELP =
  'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.';
export const SHOW_MANAGED_FIELDS_HELP = 'If true, keep the managedFields when printing objects in JSON or YAML format.';
