/**
 * CHS-DRG grouping: load a scheme package, group cases, explain, what-if.
 */
import { resolveSchemeDir } from '../../src/paths.js';
import { compileScheme } from './compile.js';
import { readPackage } from './load.js';
import type { CompiledScheme } from './scheme.js';

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

export { groupCase, type GroupInput, type GroupOptions } from './engine.js';
export type { CompiledScheme } from './scheme.js';
