/**
 * Payment benchmarks.
 *
 *   npm run bench:payment                        (kernel, 1M pricing at 1 and 2 workers, 10M weights)
 *   node dist/bench/payment.bench.js --sizes 1000000 --weights-size 0 --runs 5
 *
 * 1. Kernel (tinybench, one thread): Pricer.price on pre-grouped synthetic
 *    cases, next to groupCase on the same cases.
 * 2. End to end (the real binary): `drg price` against `drg group` on the same
 *    synthetic file and worker count, in rounds of both with the order
 *    alternating, the ratio taken per round (wall time, and CPU time of all
 *    threads), and the fastest run of each against the other's fastest (the
 *    VM's noise only adds time); the target is pricing adding < 20 % to grouping time. The weight table comes from `drg weights`
 *    on the same file, and the bench policy's rate is the history's overall
 *    mean cost, so standards and costs match as they would in a region.
 *    Then both at the same time, one worker each (`--no-concurrent` to skip):
 *    the two meet the same machine for the whole run.
 * 3. `drg weights` on 10M synthetic cases: cases/s and peak RSS (streamed:
 *    16 bytes per case spilled to disk, never the whole file in memory).
 *
 * Peak RSS is the whole process (all threads), as `DRG_REPORT_RSS=1` makes the CLI report it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { CaseDecoder } from '../src/case/decode.js';
import { parseCsvText } from '../src/csv/table.js';
import { IssueList } from '../src/errors.js';
import { RecordSplitter, type RecordBatch } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { GroupJob } from '../src/jobs/group.js';
import { PriceJob } from '../src/jobs/price.js';
import { loadPolicy } from '../src/payment/policy.js';
import { Pricer, type PriceInput } from '../src/payment/price.js';
import { groupCase, loadSchemeSync } from '../groupers/chs-drg/index.js';
import { loadWeightTable } from '../weights/table.js';
import { bin, data, root, ensureInput } from './synth-data.js';


const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000' },
    workers: { type: 'string', default: '1,2' },
    'weights-size': { type: 'string', default: '10000000' },
    scheme: { type: 'string', default: 'chs-drg-1.1' },
    runs: { type: 'string', default: '5' },
    // Node 20's parseArgs has no negated flags: the opt-outs are options of their own.
    /** Skip the kernel and in-process job comparisons. */
    'no-kernel': { type: 'boolean', default: false },
    /** Skip running drg group and drg price at the same time (one worker each). */
    'no-concurrent': { type: 'boolean', default: false },
  },
});
const scheme = values.scheme;
const runs = Number(values.runs);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const synth = (n: number): string => ensureInput(scheme, n);

interface Run {
  readonly seconds: number;
  readonly rssMb: number;
  /** CPU time of the process, all threads (user + system). */
  readonly cpu: number;
  readonly stderr: string;
}

/** {@link drg} without blocking this thread, so that two commands can run at the same time. */
function drgAsync(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, DRG_REPORT_RSS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0 && code !== 3) fail(new Error(`drg ${args[0]} failed: ${stderr}`));
      else done(runOf(seconds, stderr));
    });
  });
}

function drg(args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, DRG_REPORT_RSS: '1' }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 && r.status !== 3) throw new Error(`drg ${args[0]} failed: ${r.stderr}`);
  return runOf(seconds, r.stderr);
}

/** A finished run: its time, and the peak RSS and CPU time the CLI reported (DRG_REPORT_RSS=1). */
function runOf(seconds: number, stderr: string): Run {
  return { seconds, rssMb: Number(/peak RSS (\d+) MB/.exec(stderr)?.[1] ?? NaN), cpu: Number(/CPU ([\d.]+) s/.exec(stderr)?.[1] ?? NaN), stderr };
}

/** The arguments of `drg group` and `drg price` on one file, writing to `out` and `rejects` in the data folder. */
const groupArgs = (file: string, out: string, rejects: string, workers: number): string[] => ['group', '--scheme', scheme, file, '-o', join(data, out), '--rejects', join(data, rejects), '--workers', String(workers)];
const priceArgs = (file: string, weights: string, policy: string, out: string, rejects: string, workers: number): string[] =>
  ['price', '--scheme', scheme, '--weights', weights, '--policy', policy, file, '-o', join(data, out), '--rejects', join(data, rejects), '--workers', String(workers)];

/** A weight table and a policy matched to the synthetic history. */
function paymentInputs(file: string): { weights: string; policy: string } {
  // Named after the synthetic file (the generator's version included): weights of another history would be stale.
  const stem = basename(file, '.csv').replace(/^synth-/, '');
  const weights = join(data, `weights-${stem}.csv`);
  const report = join(data, `weights-${stem}.json`);
  if (!existsSync(weights)) drg(['weights', '--scheme', scheme, file, '-o', weights, '--report', report, '-q']);
  const mean = (JSON.parse(readFileSync(report, 'utf8')) as { overall_mean_cost: string }).overall_mean_cost;
  const example = JSON.parse(readFileSync(join(root, 'examples/payment/policy-rate.json'), 'utf8')) as { name: string; rate: { default: string } };
  example.name = 'bench (rate = overall mean cost)';
  example.rate.default = mean;
  const policy = join(data, 'policy-bench.json');
  writeFileSync(policy, JSON.stringify(example, null, 2));
  return { weights, policy };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** Ratios: the median, then each round's. */
const list = (xs: number[]) => `${median(xs).toFixed(3)} (rounds: ${xs.map((x) => x.toFixed(2)).join(', ')})`;

async function kernel(file: string, weights: string, policy: string): Promise<void> {
  const s = loadSchemeSync(scheme);
  const pricer = new Pricer(loadPolicy(policy), loadWeightTable(weights, { scheme: s }), s);
  const text = readFileSync(file, 'utf8');
  // The first 100,000 lines without a quote (the malformed rows with quotes are not cases).
  const head = text.slice(0, nthNewline(text, 100_001)).split('\n').filter((l) => !l.includes('"')).join('\n');
  const { header, rows } = parseCsvText(head, file, new IssueList());
  const d = new CaseDecoder(header);
  const cases = rows.filter((r) => r.cells.length === header.length).map((r) => d.decode(r.cells)).filter((x) => x.problems === null).map((x) => x.case);
  const grouped = cases.map((c) => groupCase(s, c));
  const inputs: PriceInput[] = cases.map((c, i) => ({ status: grouped[i]!.status, drg: grouped[i]!.drg, cost: c.total_cost, los: c.los, hospitalId: c.hospital_id, hospitalLevel: c.hospital_level }));
  const classes: Record<string, number> = {};
  for (const x of inputs) {
    const c = pricer.price(x).class ?? 'unpriced';
    classes[c] = (classes[c] ?? 0) + 1;
  }
  const bench = new Bench({ time: 3000, warmup: true, warmupTime: 500 });
  bench.add('groupCase', () => {
    for (const c of cases) groupCase(s, c);
  });
  bench.add('Pricer.price', () => {
    for (const x of inputs) pricer.price(x);
  });
  await bench.run();
  console.log(`\nKernel, one thread, ${fmt(cases.length)} pre-decoded synthetic cases (classes: ${Object.entries(classes).map(([k, v]) => `${k} ${(100 * v / inputs.length).toFixed(1)} %`).join(', ')}):\n`);
  console.log('| task | cases/s | ns/case | ±% |');
  console.log('|---|---:|---:|---:|');
  for (const t of bench.tasks) {
    const r = t.result as { throughput?: { mean: number; rme: number } } | undefined;
    const hz = r?.throughput?.mean ?? 0;
    console.log(`| ${t.name} | ${fmt(hz * cases.length)} | ${(1e9 / (hz * cases.length)).toFixed(0)} | ${(r?.throughput?.rme ?? 0).toFixed(1)} |`);
  }
}

/**
 * The jobs themselves, in this process: the group job and the price job run on
 * the same batches (first 200,000 lines of the file), batch by batch, the one
 * that goes first alternating from batch to batch, each run timed on its own.
 * Both see the machine as it was within the same few milliseconds, which holds
 * the ratio steady on a VM whose speed drifts within seconds (whole rounds of
 * one job then the other gave ratios from 1.05 to 1.59 in one run).
 */
function jobs(file: string, weights: string, policy: string, rounds = 5): void {
  const s = loadSchemeSync(scheme);
  const text = readFileSync(file, 'utf8');
  const head = text.slice(0, nthNewline(text, 200_001));
  const header = parseHeader(head.slice(0, head.indexOf('\n') + 1));
  const splitter = new RecordSplitter<string>(256 * 1024, 4096, true);
  const batches = [...splitter.push(head), ...splitter.end()].slice(1);
  const base = { header, newline: '\n' as const, columns: [], rejects: true };
  const group = new GroupJob({ ...base, kind: 'group', scheme: '', compare: null, format: 'csv', trace: false, translate: false }, { scheme: s });
  const price = new PriceJob({ ...base, kind: 'price', scheme: '', weights, policy, trace: false, shareColumn: null, reviewColumn: null }, { scheme: s });
  for (let r = 0; r < 2; r++) for (const b of batches) group.run(b), price.run(b); // warm-up
  const timed = (job: { run(b: RecordBatch): unknown }, b: RecordBatch): number => {
    const t = process.hrtime.bigint();
    job.run(b);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const g: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let gt = 0;
    let pt = 0;
    batches.forEach((b, i) => {
      if ((i + r) % 2 === 0) {
        gt += timed(group, b);
        pt += timed(price, b);
      } else {
        pt += timed(price, b);
        gt += timed(group, b);
      }
    });
    g.push(gt);
    p.push(pt);
  }
  const ratios = g.map((x, i) => p[i]! / x);
  const rows = 200_000;
  console.log(`\nJobs in process (the first ${fmt(rows)} rows in ${batches.length} batches, ${rounds} rounds; per batch both jobs, which goes first alternating; median):\n`);
  console.log('| job | ms per round | cases/s |');
  console.log('|---|---:|---:|');
  console.log(`| group | ${median(g).toFixed(0)} | ${fmt((rows * 1000) / median(g))} |`);
  console.log(`| price (group + price + write) | ${median(p).toFixed(0)} | ${fmt((rows * 1000) / median(p))} |`);
  console.log(`\nprice ÷ group: median ${median(ratios).toFixed(3)} (rounds: ${ratios.map((x) => x.toFixed(3)).join(', ')})`);
}

function nthNewline(text: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return text.length;
  }
  return at + 1;
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; scheme ${scheme}`);
  const sizes = values.sizes.split(',').filter((s) => s !== '' && s !== '0').map(Number);
  const workerCounts = values.workers.split(',').map(Number);
  for (const n of sizes) {
    const file = synth(n);
    const { weights, policy } = paymentInputs(file);
    if (!values['no-kernel']) {
      await kernel(file, weights, policy);
      jobs(file, weights, policy);
    }
    // Each round runs both, the order alternating (the VM's speed drifts within seconds); the ratio is per round.
    console.log(`\nEnd to end, ${fmt(n)} synthetic cases, ${runs} rounds of both, alternating which goes first (median; CPU: all threads, user + system):\n`);
    console.log('| workers | drg group | drg price | price ÷ group (wall) | price ÷ group (CPU) | best ÷ best (wall) | group cases/s | price cases/s | peak RSS group / price |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const w of workerCounts) {
      const g: Run[] = [];
      const p: Run[] = [];
      const out = join(data, 'out.csv');
      const group = () => g.push(drg(groupArgs(file, 'out.csv', 'rejects.csv', w)));
      const price = () => p.push(drg(priceArgs(file, weights, policy, 'out.csv', 'rejects.csv', w)));
      for (let i = 0; i < runs; i++) {
        if (i % 2 === 0) {
          group();
          price();
        } else {
          price();
          group();
        }
      }
      rmSync(out, { force: true });
      const gs = median(g.map((r) => r.seconds));
      const ps = median(p.map((r) => r.seconds));
      const ratios = g.map((r, i) => p[i]!.seconds / r.seconds);
      const cpuRatios = g.map((r, i) => p[i]!.cpu / r.cpu);
      // The VM's noise only ever adds time: the fastest run of each is the least disturbed.
      const best = Math.min(...p.map((r) => r.seconds)) / Math.min(...g.map((r) => r.seconds));
      console.log(`| ${w} | ${gs.toFixed(2)} s | ${ps.toFixed(2)} s | ${list(ratios)} | ${list(cpuRatios)} | ${best.toFixed(3)} | ${fmt(n / gs)} | ${fmt(n / ps)} | ${fmt(Math.max(...g.map((r) => r.rssMb)))} / ${fmt(Math.max(...p.map((r) => r.rssMb)))} MB |`);
    }
    if (!values['no-concurrent']) {
      // Both at the same time, one worker each, one per core: both meet the same machine the whole run.
      const g: Run[] = [];
      const p: Run[] = [];
      for (let i = 0; i < runs; i++) {
        const [a, b] = await Promise.all([
          drgAsync(groupArgs(file, 'out-group.csv', 'rejects-group.csv', 1)),
          drgAsync(priceArgs(file, weights, policy, 'out-price.csv', 'rejects-price.csv', 1)),
        ]);
        g.push(a);
        p.push(b);
      }
      for (const f of ['out-group.csv', 'out-price.csv', 'rejects-group.csv', 'rejects-price.csv']) rmSync(join(data, f), { force: true });
      console.log(`\nAt the same time, one worker each, ${runs} rounds (median):\n`);
      console.log('| drg group | drg price | price ÷ group (wall) | price ÷ group (CPU) |');
      console.log('|---:|---:|---:|---:|');
      console.log(`| ${median(g.map((r) => r.seconds)).toFixed(2)} s | ${median(p.map((r) => r.seconds)).toFixed(2)} s | ${list(g.map((r, i) => p[i]!.seconds / r.seconds))} | ${list(g.map((r, i) => p[i]!.cpu / r.cpu))} |`);
    }
    console.log(`\nlast price summary: ${/drg price: .*/.exec(drg(['price', '--scheme', scheme, '--weights', weights, '--policy', policy, file, '-o', join(data, 'out.csv'), '--workers', '2']).stderr)?.[0]}`);
    rmSync(join(data, 'out.csv'), { force: true });
  }
  const wn = Number(values['weights-size']);
  if (wn > 0) {
    const file = synth(wn);
    console.log(`\nWeights from ${fmt(wn)} synthetic cases (drg weights, 2 workers for grouping):\n`);
    const r = drg(['weights', '--scheme', scheme, file, '-o', join(data, 'weights-big.csv'), '--workers', '2']);
    const grouping = Number(/grouping ([\d.]+) s/.exec(r.stderr)?.[1] ?? NaN);
    console.log('| cases | wall time | grouping + spill | weights from the spill | cases/s | peak RSS |');
    console.log('|---:|---:|---:|---:|---:|---:|');
    console.log(`| ${fmt(wn)} | ${r.seconds.toFixed(1)} s | ${grouping.toFixed(1)} s | ${(r.seconds - grouping).toFixed(1)} s (incl. start-up) | ${fmt(wn / r.seconds)} | ${fmt(r.rssMb)} MB |`);
    console.log(`\n${r.stderr.split('\n').filter((l) => /rows read|history:|scheme evaluation/.test(l)).join('\n')}`);
  }
}

await main();
