/**
 * DIP benchmark, end to end through the real binary, on `drg synth` cases
 * (generated once into bench/data/, the same files as bench/bulk.bench.ts):
 *
 *   1. `drg dip build` on a history of 5M cases (--scheme chs-drg-1.1 types surgery),
 *      unless bench/data/dip-v<version>-<history>/ already exists (--rebuild to build it anyway);
 *   2. `drg dip group` of 10M cases under that directory, 1 and 2 workers,
 *      and `drg group` (CHS-DRG) of the same file for comparison — on this
 *      noisy shared VM the ratio of the two is steadier than either figure.
 *
 *   npm run bench:dip
 *   node dist/bench/dip.bench.js --history 5000000 --cases 10000000 --workers 1,2 --runs 1
 *
 * Reports wall time (loading included), cases/s and peak RSS (the CLI's
 * DRG_REPORT_RSS=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bin, data, ensureInput as ensureSynth } from './synth-data.js';
import { SYNTH_VERSION } from '../src/synth/generate.js';

const SCHEME = 'chs-drg-1.1';

const { values } = parseArgs({
  options: {
    history: { type: 'string', default: '5000000' },
    cases: { type: 'string', default: '10000000' },
    workers: { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '1' },
    'no-chs': { type: 'boolean', default: false },
    /** Build the directory again even when bench/data/dip-v<version>-<history>/ exists. */
    rebuild: { type: 'boolean', default: false },
  },
});

const ensureInput = (n: number): string => ensureSynth(SCHEME, n);

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  readonly rows: number;
  readonly err: string;
}

function run(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DRG_REPORT_RSS: '1' }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 3) throw new Error(`drg ${args.join(' ')} failed: ${r.stderr}`);
  return { seconds, rssMb: Number(/peak RSS (\d+) MB/.exec(r.stderr)?.[1] ?? NaN), rows: Number(/(\d+) rows read/.exec(r.stderr)?.[1] ?? NaN), err: r.stderr };
}

const best = (n: number, f: () => Run): Run => Array.from({ length: n }, f).sort((a, b) => a.seconds - b.seconds)[0]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const runs = Number(values.runs);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; codes from ${SCHEME} (drg synth --seed 1)`);

const historyFile = ensureInput(Number(values.history));
const casesFile = ensureInput(Number(values.cases));
const dir = join(data, `dip-v${SYNTH_VERSION}-${values.history}`);

// ---- build (skipped when the directory exists, unless --rebuild) -------------------
if (values.rebuild || !existsSync(join(dir, 'directory.csv'))) {
  const b = best(runs, () => run(['dip', 'build', historyFile, '-o', dir, '--scheme', SCHEME, '--force']));
  console.log('\n| build | input | wall time | cases/s | peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| ${fmt(Number(values.history))} cases | ${(statSync(historyFile).size / 2 ** 20).toFixed(0)} MB | ${b.seconds.toFixed(1)} s | ${fmt(b.rows / b.seconds)} | ${b.rssMb} MB |`);
  console.log(`\n${b.err.split('\n').filter((l) => !l.startsWith('drg: peak')).join('\n').trim()}`);
} else {
  console.log(`\nusing the existing directory ${dir} (--rebuild to build it again)`);
}

// ---- group -------------------------------------------------------------------
console.log('\n| command | cases | workers | wall time | cases/s | peak RSS |');
console.log('|---|---:|---:|---:|---:|---:|');
const out = join(data, 'out.csv');
for (const w of values.workers.split(',').map(Number)) {
  const dip = best(runs, () => run(['dip', 'group', '--directory', dir, casesFile, '-o', out, '--rejects', join(data, 'rejects.csv'), '--workers', String(w)]));
  console.log(`| drg dip group | ${fmt(dip.rows)} | ${w} | ${dip.seconds.toFixed(1)} s | ${fmt(dip.rows / dip.seconds)} | ${dip.rssMb} MB |`);
  if (!values['no-chs']) {
    const chs = best(runs, () => run(['group', '--scheme', SCHEME, casesFile, '-o', out, '--rejects', join(data, 'rejects.csv'), '--workers', String(w)]));
    console.log(`| drg group (CHS-DRG) | ${fmt(chs.rows)} | ${w} | ${chs.seconds.toFixed(1)} s | ${fmt(chs.rows / chs.seconds)} | ${chs.rssMb} MB |`);
  }
  rmSync(out, { force: true });
}
