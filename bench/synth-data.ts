/** Synthetic benchmark inputs, generated once into bench/data/ with the real `drg synth` (seed 1). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = join(root, 'bin/drg.js');
export const data = join(root, 'bench/data');

/** The path of n synthetic cases under a scheme, generating the file the first time. */
export function synthFile(scheme: string, n: number): string {
  mkdirSync(data, { recursive: true });
  const file = join(data, `synth-${scheme}-${n}.csv`);
  if (!existsSync(file)) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'synth', '--scheme', scheme, '-n', String(n), '--seed', '1', '-o', file, '-q'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('drg synth failed');
    console.error(`generated ${file} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return file;
}
