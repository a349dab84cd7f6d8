/**
 * drg-engine: the public library API.
 *
 * Grouping (CHS-DRG): loadScheme → groupCase / explain / whatIf.
 * Case model: parseCase (zod), caseSchema, Case.
 * Payment: loadWeightTable, computeWeights / weightsFromCsv, computeRate, pointValue,
 * loadPolicy → Pricer → priceCase / priceCsv, settleHospitals / settleCsv.
 */
export {
  explain,
  formatTrace,
  groupCase,
  loadScheme,
  loadSchemeSync,
  NO_DRG,
  whatIf,
  type CcLevel,
  type CodeTranslation,
  type CompiledScheme,
  type DrgInfo,
  type Explanation,
  type GroupInput,
  type GroupOptions,
  type GroupResult,
  type GroupStatus,
  type Note,
  type Semantics,
  type TraceStep,
  type WhatIf,
  type WhatIfAlternative,
} from '../groupers/chs-drg/index.js';
export { caseSchema, parseCase, CASE_FIELDS, type Case, type CaseField, type CaseInput, type FieldProblem } from './case/schema.js';
export { CaseDecoder, parseColumnMap, SETTLEMENT_LIST_COLUMNS, HeaderError, type ColumnMap } from './case/decode.js';
export { DataError, formatIssue, type DataIssue } from './errors.js';
export { formatYuan, parseYuan, roundFen, type Fen } from './money.js';
export { schemesDir, sharedDir, resolveSchemeDir } from './paths.js';
export { readCases, groupCases, groupCsv, type CaseRow, type ReadCasesOptions, type GroupCsvOptions } from './bulk/stream.js';
export { matrixRows, matrixCsv, type MatrixRow, type MigrationMatrix } from './jobs/group.js';
export type { Counts } from './bulk/job.js';

// DRG payment: weights, rates and point values (weights/), pricing and hospital settlement (payment/).
export * from '../weights/index.js';
export * from './payment/index.js';
export { Decimal } from './money.js';
