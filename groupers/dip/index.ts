/**
 * DIP (按病种分值付费): load a directory, group cases, explain, what-if.
 * Scoring and settlement live in src/payment/dip; building a directory from
 * history in build.ts.
 */
import { compileDirectory } from './compile.js';
import type { CompiledDirectory } from './directory.js';
import { readDirectory } from './load.js';

/** Load a DIP directory folder. Throws a DataError naming file, line and column (or JSON path). */
export function loadDirectorySync(dir: string): CompiledDirectory {
  const started = performance.now();
  return compileDirectory(readDirectory(dir), started);
}

/** Load a DIP directory folder (see {@link loadDirectorySync}). */
export async function loadDirectory(dir: string): Promise<CompiledDirectory> {
  return loadDirectorySync(dir);
}

export type { CompiledDirectory, CompiledGroup, DeviationThresholds } from './directory.js';
export { groupDipCase, groupPreparedDip, type DipGroupInput, type DipGroupOptions, type DipGroupResult, type DipNote, type DipStatus } from './group.js';
export { matchPrepared, MatchOutcome, type MatchKind } from './match.js';
export { PreparedCodes, prepareArrays, prepareCodes } from './prepare.js';
export { directorySnapshot, restoreDirectory, type DirectorySnapshot } from './snapshot.js';
export { DIP_KINDS, PROCEDURE_TYPES, paramsSchema, type DipKind, type DipParams, type DipParamsInput, type ProcedureType } from './format.js';
export type { SubtypeInput } from './subtypes/index.js';
