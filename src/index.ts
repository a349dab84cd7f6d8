/**
 * drg-engine: the public library API.
 *
 * Grouping (CHS-DRG): loadScheme → groupCase / explain / whatIf.
 * Case model: parseCase (zod), caseSchema, Case.
 * DIP: loadDirectory → groupDipCase / scoreDipCase / whatIfDip; buildDirectory
 * (DirectoryBuilder, writeDirectory); scores (relativeScore, weightedMean);
 * settlement (settleYear, settlementPointValue, hospitalSettlement).
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
export { buildDirectory, DirectoryBuilder, type BuildOptions, type BuiltDirectory, type ExclusionReason, type GroupReport, type HistoryCase } from '../groupers/dip/build.js';
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
export { relativeScore, weightedMean, yearWeights, parseTrim, trimRange, coefficientOfVariation, coverage, DEFAULT_YEAR_WEIGHTS, type TrimSpec } from '../weights/dip-scores.js';
export { Decimal } from './money.js';
