/**
 * End-to-end bulk benchmark: CSV file in → CSV file out, through the real
 * `drg group` binary, on synthetic cases (generated once into bench/data/).
 *
 *   npm run bench:bulk                          (1M and 10M cases, 1 and 2 workers)
 *   node dist/bench/bulk.bench.js --sizes 1000000 --workers 2 --scheme chs-drg-2.0
 *
 * Reports wall time (scheme loading included), cases/s and the peak RSS of
 * the whole process (all threads), as the CLI reports it with DRG_REPORT_RSS=1.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bin, data, ensureInput as ensureSynth } from './synth-data.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    workers: { type: 'string', default: '1,2' },
    scheme: { type: 'string', default: 'chs-drg-1.1' },
    runs: { type: 'string', default: '1' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const workerCounts = values.workers.split(',').map(Number);
const scheme = values.scheme;
const runs = Number(values.runs);

const ensureInput = (n: number): string => ensureSynth(scheme, n);

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

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; scheme ${scheme}`);
console.log('\n| cases | input | workers | wall time | cases/s | peak RSS |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const n of sizes) {
  const file = ensureInput(n);
  const mb = statSync(file).size / 2 ** 20;
  for (const w of workerCounts) {
    const results = Array.from({ length: runs }, () => runOnce(file, w)).sort((a, b) => a.seconds - b.seconds);
    const best = results[0]!;
    console.log(`| ${n.toLocaleString('en-US')} | ${mb.toFixed(0)} MB | ${w} | ${best.seconds.toFixed(1)} s | ${Math.round(best.rows / best.seconds).toLocaleString('en-US')} | ${best.rssMb} MB |`);
  }
}
