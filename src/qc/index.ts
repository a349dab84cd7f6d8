/**
 * Settlement-list quality checks: the public part.
 *
 *   const config = loadQcConfig('region.json');     // or qcConfig() for the defaults
 *   const findings = checkCase(c, scheme, config);  // [] when the case is clean
 */
export { checkCase, checkerFor, Checker, hasError, NO_FINDINGS } from './engine.js';
export { configOf, DEFAULT_PARAMS, DEFAULT_SEX_MDCS, loadQcConfig, qcConfig, qcConfigSchema, QcConfig, type QcConfigJson, type QcConfigOptions } from './config.js';
export { LIST_NAMES, QC_LISTS, type ListName } from './facts.js';
export { QC_RULES, RULES_BY_ID } from './rules/index.js';
export { mergeTally, qualityScore, summarise, summaryCsv, summaryJson, summaryText, tallyCase, type HospitalTally, type QcSummary, type QcTally, type RuleCount, type SummaryRow } from './summary.js';
export { QcRowReader } from './record.js';
export type { CaseView, Finding, QcInput, QcParams, QcRule, Severity } from './types.js';
