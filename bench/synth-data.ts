/**
 * Synthetic case files for the end-to-end benchmarks: `drg synth` output,
 * generated once into bench/data/ (git-ignored) and reused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SYNTH_VERSION } from '../src/synth/generate.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = join(root, 'bin/drg.js');
export const data = join(root, 'bench/data');

/** The path of `n` synthetic cases of a scheme (seed 1), generating the file on first use (the name carries the generator's version). */
export function ensureInput(scheme: string, n: number): string {
  mkdirSync(data, { recursive: true });
  const file = join(data, `synth-v${SYNTH_VERSION}-${scheme}-${n}.csv`);
  if (!existsSync(file)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'synth', '--scheme', scheme, '-n', String(n), '--seed', '1', '-o', file, '-q'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('drg synth failed');
    console.error(`generated ${file} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return file;
}
