/**
 * Weights: the weight table format and loader, weights from history (with
 * the scheme's evaluation), rates and point values.
 */
export { weightRowSchema, WEIGHT_COLUMNS, type WeightRow } from './format.js';
export { loadWeightTable, parseWeightTable, weightFor, type LoadWeightOptions, type WeightCoverage, type WeightEntry, type WeightTable } from './table.js';
export { computeWeights, type GroupWeight, type RescaleMode, type WeightCounts, type WeightOptions, type WeightResult, type YearSummary } from './compute.js';
export type { MdcEvaluation, SchemeEvaluation } from './evaluate.js';
export { historyFromArray, historyFromSpill, type HistoryCase, type HistorySource } from './history.js';
export { TRIM_METHODS, type TrimSpec } from './trim/index.js';
export { loadAdjustments } from './adjust.js';
export { formatWeightTable, weightReport, weightSummary } from './write.js';
export { weightsFromCsv, type WeightsCsvOptions } from './bulk.js';
export {
  basePoints,
  computeRate,
  forecastPoints,
  forecastWeight,
  loadForecast,
  paymentStandard,
  pointValue,
  type ForecastRow,
  type PointValueInput,
  type RateInput,
  type RateResult,
} from './rates.js';
