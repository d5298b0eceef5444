// Public API of the configuration module.
export * from './types.js';
export { loadInitConfig, loadJoinConfig, loadResetConfig, type LoadInput } from './load.js';
export {
  ALLOWED_WITH_CONFIG,
  checkMixedArguments,
  isAllowedWithConfig,
  parseFeatureGates,
  type CommonFlagValues,
  type InitFlagValues,
  type JoinFlagValues,
  type ResetFlagValues,
} from './flags.js';
export { formatDuration, formatDurationNs, normalizeDuration, parseDuration, parseDurationNs } from './duration.js';
export { resolveKubernetesVersion, minimumControlPlaneVersion, type DynamicOptions } from './dynamic.js';
export { mergeIgnorePreflightErrors, certValidityWarnings } from './validate.js';
export * as constants from './constants.js';
export {
  printInitDefaults,
  printJoinDefaults,
  printResetDefaults,
  validateConfigFile,
  migrateConfig,
  type PrintOptions,
  type FileCheckResult,
  type MigrateResult,
  type OfflineHost,
} from './print.js';
export {
  marshalClusterConfiguration,
  marshalInitConfiguration,
  marshalJoinConfiguration,
  marshalResetConfiguration,
  clusterConfigurationJSON,
  initConfigurationJSON,
  joinConfigurationJSON,
  resetConfigurationJSON,
} from './marshal.js';
