/**
 * Quality-check benchmark, on synthetic cases (`drg synth`, generated once
 * into bench/data/, the same files as bench/bulk.bench.ts):
 *
 * 1. Kernel (tinybench, one thread, cases decoded beforehand): groupCase,
 *    checkCase, and both, per case.
 * 2. Job level (one thread, CSV batches in memory, no file I/O): the group
 *    job on its fused path (no --qc), on the generic path, and on the generic
 *    path with the checks (--qc); the qc job. Separates the cost of the
 *    checks from the cost of leaving the fused reader.
 * 3. End to end, through the real binary, same file, same workers:
 *    `drg group`, `drg group --qc`, `drg qc`, interleaved rounds, median.
 *
 *   npm run bench:qc
 *   node dist/bench/qc.bench.js --size 1000000 --workers 2 --runs 3 --scheme chs-drg-1.1
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bin, data, ensureInput as ensureSynth } from './synth-data.js';
import { Bench } from 'tinybench';
import { CaseDecoder } from '../src/case/decode.js';
import type { Case } from '../src/case/schema.js';
import { RecordSplitter, type RecordBatch } from '../src/io/records.js';
import { parseBatch, parseHeader } from '../src/io/rows.js';
import { GroupJob, type GroupJobSpec } from '../src/jobs/group.js';
import { GroupQc } from '../src/jobs/group-qc.js';
import { QcJob, type QcJobSpec } from '../src/jobs/qc.js';
import { checkerFor } from '../src/qc/engine.js';
import { qcConfig } from '../src/qc/config.js';
import { groupCase, loadSchemeSync } from '../groupers/chs-drg/index.js';


const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    workers: { type: 'string', default: '2' },
    scheme: { type: 'string', default: 'chs-drg-1.1' },
    runs: { type: 'string', default: '3' },
    kernel: { type: 'string', default: '200000' },
  },
});
const size = Number(values.size);
const workers = Number(values.workers);
const scheme = values.scheme;
const runs = Number(values.runs);
const kernelCases = Number(values.kernel);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const ensureInput = (n: number): string => ensureSynth(scheme, n);

const file = ensureInput(size);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; scheme ${scheme}; input ${file} (${fmt(size)} cases, ${(statSync(file).size / 2 ** 20).toFixed(0)} MB)`);

// ---- batches of the first `kernelCases` rows, and their decoded cases ----------
const s = loadSchemeSync(scheme);
const config = qcConfig();
const t0 = performance.now();
checkerFor(s, config);
console.log(`\nchecker compile (per-code facts, once per scheme and configuration): ${(performance.now() - t0).toFixed(0)} ms`);

const text = readFileSync(file, 'utf8');
const cut = (() => {
  let at = 0;
  for (let i = 0; i <= kernelCases && at !== -1; i++) at = text.indexOf('\n', at + 1);
  return at === -1 ? text.length : at + 1;
})();
const splitter = new RecordSplitter<string>(256 * 1024, 4096, true);
const all = [...splitter.push(text.slice(0, cut)), ...splitter.end()];
const header = parseHeader(all[0]!.text);
const batches: RecordBatch[] = all.slice(1);
const decoder = new CaseDecoder(header);
const cases: Case[] = [];
for (const b of batches) parseBatch(b, decoder.width, '\n', { row: (_l, cells) => void cases.push(decoder.decode(cells).case), blank: () => undefined, bad: () => undefined });

// ---- 1. kernel -------------------------------------------------------------------
{
  const checker = checkerFor(s, config);
  const shared = new GroupQc({ config: null }, s, header);
  let sink = 0;
  const tasks: [string, () => void][] = [
    ['groupCase', () => {
      for (const c of cases) sink += groupCase(s, c).drg.length;
    }],
    ['checkCase', () => {
      for (const c of cases) sink += checker.check(c).length;
    }],
    ['checkCase, then groupCase', () => {
      for (const c of cases) sink += checker.check(c).length + groupCase(s, c).drg.length;
    }],
    ['checkCase, then grouping from its look-ups (drg group --qc)', () => {
      for (const c of cases) sink += shared.rows.checker.check(c).length + shared.group(false, false).drg.length;
    }],
  ];
  const bench = new Bench({ time: 2000, warmupTime: 500 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  // The VM is shared and noisy: the time ratios come from interleaved rounds (order alternating), median.
  const rounds = 11;
  const times = new Map<string, number[]>(tasks.map(([n]) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of r % 2 === 0 ? tasks : [...tasks].reverse()) {
      const t = performance.now();
      fn();
      times.get(name)!.push(performance.now() - t);
    }
  }
  console.log(`\n1. kernel: ${fmt(cases.length)} decoded cases per iteration, one thread (sink ${sink > 0 ? 'ok' : '0'})\n`);
  console.log(`| task | cases/s (tinybench) | ±% | time vs groupCase (median of ${rounds} interleaved rounds) |`);
  console.log('|---|---:|---:|---:|');
  const ref = median(times.get('groupCase')!);
  for (const t of bench.tasks) {
    const r = t.result as { throughput?: { mean: number; rme: number }; hz?: number; rme?: number } | undefined;
    const hz = r?.throughput?.mean ?? r?.hz ?? 0;
    const rme = r?.throughput?.rme ?? r?.rme ?? 0;
    console.log(`| ${t.name} | ${fmt(hz * cases.length)} | ${rme.toFixed(1)} | ${(median(times.get(t.name)!) / ref).toFixed(2)} |`);
  }
}

// ---- 2. job level ----------------------------------------------------------------------
{
  const base: GroupJobSpec = { kind: 'group', scheme: s.dir, compare: null, format: 'csv', trace: false, translate: false, rejects: false, header, columns: [], newline: '\n' };
  const qcSpec: QcJobSpec = { kind: 'qc', scheme: s.dir, config: null, rejects: false, header, columns: [], newline: '\n' };
  const jobs: [string, { run(b: RecordBatch): unknown }][] = [
    ['group job, fused path (drg group)', new GroupJob(base, { scheme: s, compare: null })],
    ['group job, generic path', new GroupJob(base, { scheme: s, compare: null, fused: false })],
    ['group job with checks (drg group --qc)', new GroupJob({ ...base, qc: { config: null } }, { scheme: s, compare: null })],
    ['qc job (drg qc)', new QcJob(qcSpec, { scheme: s, config })],
  ];
  const rounds = 5;
  const times = new Map<string, number[]>(jobs.map(([n]) => [n, []]));
  for (const [, job] of jobs) for (const b of batches) job.run(b); // warm-up
  for (let r = 0; r < rounds; r++) {
    for (const [name, job] of r % 2 === 0 ? jobs : [...jobs].reverse()) {
      const t = performance.now();
      for (const b of batches) job.run(b);
      times.get(name)!.push(performance.now() - t);
    }
  }
  const ref = median(times.get(jobs[0]![0])!);
  console.log(`\n2. job level: ${fmt(cases.length)} rows in ${batches.length} batches, one thread, median of ${rounds} interleaved rounds\n`);
  console.log('| job | rows/s | time vs drg group |');
  console.log('|---|---:|---:|');
  for (const [name] of jobs) {
    const ms = median(times.get(name)!);
    console.log(`| ${name} | ${fmt((cases.length * 1000) / ms)} | ${(ms / ref).toFixed(2)} |`);
  }
}

// ---- 3. end to end (skipped with --runs 0) ---------------------------------------------
if (runs > 0) {
  const out = join(data, 'qc-bench-out.csv');
  const commands: [string, string[]][] = [
    ['drg group', ['group', '--scheme', scheme, file, '-o', out, '--workers', String(workers)]],
    ['drg group --qc', ['group', '--scheme', scheme, '--qc', file, '-o', out, '--workers', String(workers)]],
    ['drg qc', ['qc', '--scheme', scheme, file, '-o', out, '--summary', join(data, 'qc-bench-summary.csv'), '--workers', String(workers)]],
  ];
  const results = new Map<string, { seconds: number; rssMb: number; rows: number }[]>(commands.map(([n]) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (const [name, args] of r % 2 === 0 ? commands : [...commands].reverse()) {
      const t = performance.now();
      const p = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DRG_REPORT_RSS: '1' } });
      const seconds = (performance.now() - t) / 1000;
      if (p.status !== 0 && p.status !== 3) throw new Error(`${name} failed: ${p.stderr}`);
      results.get(name)!.push({ seconds, rssMb: Number(/peak RSS (\d+) MB/.exec(p.stderr)?.[1] ?? NaN), rows: Number(/(\d+) rows read/.exec(p.stderr)?.[1] ?? NaN) });
    }
  }
  rmSync(out, { force: true });
  const ref = median(results.get('drg group')!.map((x) => x.seconds));
  console.log(`\n3. end to end: ${fmt(size)} cases, ${workers} worker${workers > 1 ? 's' : ''}, wall time including scheme loading, median of ${runs} interleaved runs\n`);
  console.log('| command | wall time | cases/s | time vs drg group | peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name] of commands) {
    const rs = results.get(name)!;
    const sec = median(rs.map((x) => x.seconds));
    console.log(`| ${name} | ${sec.toFixed(1)} s | ${fmt(rs[0]!.rows / sec)} | ${(sec / ref).toFixed(2)} | ${Math.max(...rs.map((x) => x.rssMb))} MB |`);
  }
}
