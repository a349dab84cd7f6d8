/**
 * drg-engine: the public library API.
 *
 * Grouping (CHS-DRG): loadScheme → groupCase / explain / whatIf.
 * Case model: parseCase (zod), caseSchema, Case.
 * DIP: loadDirectory → groupDipCase / scoreDipCase / whatIfDip; buildDirectory
 * (DirectoryBuilder, writeDirectory); scores (relativeScore, weightedMean);
 * settlement (settleYear, settlementPointValue, hospitalSettlement).
 * Payment: loadWeightTable, computeWeights / weightsFromCsv, computeRate, pointValue,
 * loadPaymentPolicy → Pricer → priceCase / priceCsv, settleHospitals / settleCsv.
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

// ---- DIP (按病种分值付费) -------------------------------------------------------
export {
  loadDirectory,
  loadDirectorySync,
  groupDipCase,
  DIP_KINDS,
  PROCEDURE_TYPES,
  type CompiledDirectory,
  type CompiledGroup,
  type DipGroupInput,
  type DipGroupOptions,
  type DipGroupResult,
  type DipKind,
  type DipNote,
  type DipParams,
  type DipStatus,
  type MatchKind,
  type ProcedureType,
} from '../groupers/dip/index.js';
export { buildDirectory, DirectoryBuilder, type BuildOptions, type BuiltDirectory, type ExclusionReason, type GroupReport, type HistoryCase as DipHistoryCase } from '../groupers/dip/build.js';
export { writeDirectory, directoryFiles } from '../groupers/dip/write.js';
export { reachableGroups, type DipReach } from '../groupers/dip/whatif.js';
export { scoreDipCase, whatIfDip, adjustInput, DipScorer, deviationScore, type DipCase, type DipCaseScore, type DipScoreOptions, type DipWhatIf, type Deviation } from './payment/dip/index.js';
export {
  settleYear,
  settlementPointValue,
  budgetPointValue,
  fundPaymentRatio,
  grossAmount,
  hospitalSettlement,
  type PoolScores,
  type SettlementCell,
  type SettlementInput,
  type SettlementResult,
  type HospitalResult,
  type PoolResult,
  type AdvanceResult,
  type ReviewCandidate,
} from './payment/dip/settle.js';
export { parseSettlementPolicy, readSettlementPolicy, settlementPolicySchema, type SettlementPolicy, type SettlementPolicyInput } from './payment/dip/policy.js';
export { relativeScore, weightedMean, yearWeights, parseTrim, trimRange, coefficientOfVariation, coverage, DEFAULT_YEAR_WEIGHTS, type TrimSpec as DipTrimSpec } from '../weights/dip-scores.js';
// DRG payment: weights, rates and point values (weights/), pricing and hospital settlement (payment/).
export * from '../weights/index.js';
export * from './payment/index.js';
export { Decimal } from './money.js';
export { loadPolicy, parsePolicy, resolvePolicyPath, policiesDir, type CompiledPolicy } from './settle/policy/load.js';
export { policySchema, type PolicyFile } from './settle/policy/schema.js';
export { parseBill, billRequestSchema, BillDecoder, BillHeaderError, BILL_FIELDS, type Bill, type BillField, type BillInput, type BillRequest } from './settle/bill.js';
export { settleBill, checkBill, formatSettlementTrace, type Settlement, type SettleOptions, type SettleOutcome } from './settle/settle.js';
export { Ledger, LEDGER_SCHEMA, type Durability, type LedgerOptions, type LedgerOutcome } from './settle/ledger.js';
export type { BandPart, LayerOutcome } from './settle/layers/index.js';
export type { BillProblem, Counters, SettlementStep, Usage } from './settle/types.js';
