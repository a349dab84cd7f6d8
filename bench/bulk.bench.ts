/**
 * End-to-end bulk benchmark: CSV file in → CSV file out, through the real
 * `drg group` binary, on synthetic cases (generated once into bench/data/).
 *
 *   npm run bench:bulk                          (1M and 10M cases, 1 and 2 workers)
 *   node dist/bench/bulk.bench.js --sizes 1000000 --workers 2 --scheme chs-drg-2.0
 *   node dist/bench/bulk.bench.js --sizes 10000000 --workers 2 --from-validation
 *                                               (the public validation cases repeated: codes recur)
 *
 * Reports wall time (scheme loading included), cases/s and the peak RSS of
 * the whole process (all threads), as the CLI reports it with DRG_REPORT_RSS=1.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { validationDir } from '../src/paths.js';
import { bin, data, ensureInput as ensureSynth } from './synth-data.js';

const CASE_COLUMNS = ['id', 'sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'diagnoses', 'procedures'];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    workers: { type: 'string', default: '1,2' },
    scheme: { type: 'string', default: 'chs-drg-1.1' },
    runs: { type: 'string', default: '1' },
    // Rows of the scheme's public validation file repeated to size (new ids), instead of drg synth:
    // 9 columns, 2,000 distinct cases, so codes recur as in real data.
    'from-validation': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const workerCounts = values.workers.split(',').map(Number);
const scheme = values.scheme;
const runs = Number(values.runs);

const ensureInput = (n: number): string => (values['from-validation'] ? ensureRepeated(n) : ensureSynth(scheme, n));

/** The public validation cases of the scheme repeated to n rows (ids made unique), written once into bench/data/. */
function ensureRepeated(n: number): string {
  const file = join(data, `validation-${scheme}-${n}.csv`);
  if (existsSync(file)) return file;
  const text = readFileSync(join(validationDir(), `${scheme}-public-2k.csv`), 'utf8');
  const [head, ...rows] = text.split(/\r?\n/).filter((l) => l !== '');
  const keep = CASE_COLUMNS.map((c) => head!.split(',').indexOf(c));
  const cells = rows.map((r) => r.split(',')); // the validation files hold no quoted fields
  const fd = openSync(file, 'w');
  writeSync(fd, `${CASE_COLUMNS.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const c = cells[i % cells.length]!;
    chunk += `V${i}`;
    for (let k = 1; k < keep.length; k++) chunk += `,${c[keep[k]!]}`;
    chunk += '\n';
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return file;
}

function runOnce(file: string, workers: number): { seconds: number; rssMb: number; rows: number } {
  const out = join(data, 'out.csv');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, 'group', '--scheme', scheme, file, '-o', out, '--rejects', join(data, 'rejects.csv'), '--workers', String(workers)], {
    encoding: 'utf8',
    env: { ...process.env, DRG_REPORT_RSS: '1' },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 3) throw new Error(`drg group failed: ${r.stderr}`);
  const rss = /peak RSS (\d+) MB/.exec(r.stderr);
  const rows = /(\d+) rows read/.exec(r.stderr);
  rmSync(out, { force: true });
  return { seconds, rssMb: Number(rss?.[1] ?? NaN), rows: Number(rows?.[1] ?? NaN) };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; scheme ${scheme}; input ${values['from-validation'] ? 'public validation cases, repeated' : 'drg synth --seed 1'}`);
console.log(`\n| cases | input | workers | wall time (best of ${runs}) | cases/s (best) | cases/s (every run, in order) | peak RSS (max) |`);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const n of sizes) {
  const file = ensureInput(n);
  const mb = statSync(file).size / 2 ** 20;
  for (const w of workerCounts) {
    const results = Array.from({ length: runs }, () => runOnce(file, w));
    const rate = (r: (typeof results)[number]): string => Math.round(r.rows / r.seconds).toLocaleString('en-US');
    const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const rss = Math.max(...results.map((r) => r.rssMb));
    console.log(`| ${n.toLocaleString('en-US')} | ${mb.toFixed(0)} MB | ${w} | ${best.seconds.toFixed(1)} s | ${rate(best)} | ${results.map(rate).join(', ')} | ${rss} MB |`);
  }
}
