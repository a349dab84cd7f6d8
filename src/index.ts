/**
 * drg-engine: the public library API.
 *
 * Grouping (CHS-DRG): loadScheme → groupCase / explain / whatIf.
 * Case model: parseCase (zod), caseSchema, Case.
 * Quality checks: checkCase, qcConfig / loadQcConfig, summarise.
 * Patient-side settlement: loadPolicy → parseBill → settleBill (pure) or
 * Ledger.open(file).settle / reverse (the yearly ledger, SQLite).
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
export {
  checkCase,
  Checker,
  checkerFor,
  hasError,
  loadQcConfig,
  qcConfig,
  QcConfig,
  QC_LISTS,
  QC_RULES,
  qualityScore,
  summarise,
  summaryCsv,
  summaryJson,
  tallyCase,
  mergeTally,
  type Finding,
  type QcInput,
  type QcRule,
  type QcSummary,
  type QcTally,
  type Severity,
  type SummaryRow,
} from './qc/index.js';
export { readCases, groupCases, groupCsv, type CaseRow, type ReadCasesOptions, type GroupCsvOptions } from './bulk/stream.js';
export { matrixRows, matrixCsv, type MatrixRow, type MigrationMatrix } from './jobs/group.js';
export type { Counts } from './bulk/job.js';
export { loadPolicy, parsePolicy, resolvePolicyPath, policiesDir, type CompiledPolicy } from './settle/policy/load.js';
export { policySchema, type PolicyFile } from './settle/policy/schema.js';
export { parseBill, billRequestSchema, BillDecoder, BillHeaderError, BILL_FIELDS, type Bill, type BillField, type BillInput, type BillRequest } from './settle/bill.js';
export { settleBill, checkBill, formatSettlementTrace, type Settlement, type SettleOptions, type SettleOutcome } from './settle/settle.js';
export { Ledger, LEDGER_SCHEMA, type Durability, type LedgerOptions, type LedgerOutcome } from './settle/ledger.js';
export type { BandPart, LayerOutcome } from './settle/layers/index.js';
export type { BillProblem, Counters, SettlementStep, Usage } from './settle/types.js';
