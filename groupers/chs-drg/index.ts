/**
 * CHS-DRG grouping: load a scheme package, group cases, explain, what-if.
 */
import { resolveSchemeDir } from '../../src/paths.js';
import { compileScheme } from './compile.js';
import { groupCase, type GroupInput, type GroupOptions } from './engine.js';
import { readPackage } from './load.js';
import type { GroupResult } from './result.js';
import type { CompiledScheme } from './scheme.js';
import { formatTrace } from './trace.js';

/**
 * Load a scheme package synchronously: a folder path, or a bare name such as
 * `chs-drg-1.1` looked up in the schemes folder (`$DRG_SCHEMES_DIR`, default
 * `../shared/schemes`). Throws a DataError naming file, line and column.
 */
export function loadSchemeSync(spec: string): CompiledScheme {
  const started = performance.now();
  return compileScheme(readPackage(resolveSchemeDir(spec)), started);
}

/** Load a scheme package (see {@link loadSchemeSync}). */
export async function loadScheme(spec: string): Promise<CompiledScheme> {
  return loadSchemeSync(spec);
}

/** Group a case with a trace, and render the trace as numbered lines of text. */
export function explain(s: CompiledScheme, input: GroupInput, options: Pick<GroupOptions, 'translate'> = {}): { result: GroupResult; text: string } {
  const result = groupCase(s, input, { ...options, trace: true });
  return { result, text: formatTrace(result.trace ?? []) };
}

export { addCode, groupCase, groupPrepared, resultSlot, type GroupInput, type GroupOptions, type ResultSlot } from './engine.js';
export { whatIf, type WhatIf, type WhatIfAlternative } from './whatif.js';
export { formatTrace, type TraceStep } from './trace.js';
export type { Explanation } from './predicates/types.js';
export { NO_DRG, type CcLevel, type CodeTranslation, type GroupResult, type GroupStatus, type Note } from './result.js';
export type { CompiledScheme, DrgInfo } from './scheme.js';
export type { Semantics } from './format.js';
