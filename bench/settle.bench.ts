/**
 * Settlement benchmark.
 *
 * End to end: `drg settle` on a generated file of bills (default 1,000,000
 * over 600,000 people, Zibo 2023 policy) against a fresh ledger file on
 * disk, for each transaction size, durability and threading asked for
 * (`--modes two,lockstep`: the default two threads, or `--lockstep`); then the
 * same file again on the filled ledger (every bill a replay). Wall time, CPU time
 * (user + system) and peak RSS come from /usr/bin/time.
 *
 * Kernels (tinybench): settleBill on decoded bills (no ledger), BillDecoder,
 * and the ledger with one transaction per bill.
 *
 *   npm run bench:settle
 *   node dist/bench/settle.bench.js --bills 200000 --commit 10000,50000,100000 --durability full,normal
 *
 * The machine is shared: the load average is printed before and after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { BillDecoder, type Bill } from '../src/settle/bill.js';
import { Ledger } from '../src/settle/ledger.js';
import { loadPolicy } from '../src/settle/policy/load.js';
import { settleBill } from '../src/settle/settle.js';
import { NO_USAGE } from '../src/settle/types.js';
import { billLines, BILLS_HEADER, writeBills } from './bills.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '../..');
const BIN = join(ROOT, 'bin/drg.js');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const { values } = parseArgs({
  options: {
    bills: { type: 'string', default: '1000000' },
    persons: { type: 'string' },
    commit: { type: 'string', default: '10000,50000,100000' },
    durability: { type: 'string', default: 'full,normal' },
    // two: the default of drg settle (a writer thread commits while the next batch is settled); lockstep: one thread.
    modes: { type: 'string', default: 'two,lockstep' },
    dir: { type: 'string', default: join(tmpdir(), 'drg-settle-bench') },
    'no-kernels': { type: 'boolean' },
    'no-e2e': { type: 'boolean' },
  },
});
const count = Number(values.bills);
const persons = Number(values.persons ?? Math.round(count * 0.6));
const dir = values.dir!;

interface Timed {
  wall: number;
  cpu: number;
  rssMb: number;
  stderr: string;
}

/** Run `drg settle` under /usr/bin/time. */
function settle(args: string[]): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, BIN, 'settle', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (m === null || (r.status !== 0 && r.status !== 3)) throw new Error(`drg settle failed (${r.status}): ${r.stderr}`);
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMb: Number(m[4]) / 1024, stderr: r.stderr.replace(/TIME.*\n?/, '') };
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

async function endToEnd(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const bills = join(dir, `bills-${count}-${persons}.csv`);
  if (!existsSync(bills)) await writeBills(bills, count, persons);
  console.log(`\nbills: ${bills} (${fmt(count)} bills, ${fmt(persons)} people, ${(statSync(bills).size / 1048576).toFixed(0)} MB)`);
  console.log('\n| commit every | durability | threads | run | wall s | bills/s (wall) | CPU s | bills per CPU-second | peak RSS | ledger size | load avg before |');
  console.log('|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const commit of values.commit!.split(',')) {
    for (const durability of values.durability!.split(',')) for (const mode of values.modes!.split(',')) {
      const ledger = join(dir, `ledger-${commit}-${durability}.db`);
      for (const f of [ledger, `${ledger}-wal`, `${ledger}-shm`]) rmSync(f, { force: true });
      const args = ['--policy', 'zibo-2023', '--ledger', ledger, '--commit-every', commit, '--durability', durability, ...(mode === 'lockstep' ? ['--lockstep'] : []), '-o', join(dir, 'out.csv'), bills];
      for (const run of ['first', 'replay']) {
        const before = load();
        const t = settle(args);
        const size = statSync(ledger).size + (existsSync(`${ledger}-wal`) ? statSync(`${ledger}-wal`).size : 0);
        console.log(`| ${fmt(Number(commit))} | ${durability} | ${mode} | ${run} | ${t.wall.toFixed(1)} | ${fmt(count / t.wall)} | ${t.cpu.toFixed(1)} | ${fmt(count / t.cpu)} | ${fmt(t.rssMb)} MB | ${fmt(size / 1048576)} MB | ${before} |`);
        if (!/= \d+ settled \+ \d+ replayed/.test(t.stderr)) throw new Error(t.stderr);
      }
      for (const f of [ledger, `${ledger}-wal`, `${ledger}-shm`]) rmSync(f, { force: true });
    }
  }
}

async function kernels(): Promise<void> {
  const policy = loadPolicy(join(ROOT, 'policies/zibo-2023.json'));
  const header = BILLS_HEADER.trim().split(',');
  const decoder = new BillDecoder(header);
  const lines = [...billLines(10_000, 6_000, 7)].map((l) => l.split(','));
  const bills: Bill[] = lines.map((cells) => {
    const r = decoder.decode(cells).request;
    if (r?.action !== 'settle') throw new Error('bad generated bill');
    return r.bill;
  });
  mkdirSync(dir, { recursive: true });
  const ledgers = { full: join(dir, 'kernel-full.db'), normal: join(dir, 'kernel-normal.db') };
  for (const p of Object.values(ledgers)) for (const f of [p, `${p}-wal`, `${p}-shm`]) rmSync(f, { force: true });
  const open = { full: Ledger.open(ledgers.full, { durability: 'full' }), normal: Ledger.open(ledgers.normal, { durability: 'normal' }) };
  let i = 0;
  let k = 0;
  const bench = new Bench({ time: 3000, warmup: true, warmupTime: 300 });
  bench
    .add('BillDecoder.decode (one CSV row)', () => {
      decoder.decode(lines[i++ % lines.length]!);
    })
    .add('settleBill (pure, no ledger)', () => {
      settleBill(policy, bills[i++ % bills.length]!, NO_USAGE);
    })
    .add('settleBill with trace', () => {
      settleBill(policy, bills[i++ % bills.length]!, NO_USAGE, { trace: true });
    })
    .add('ledger.settle, one transaction per bill, durability normal', () => {
      open.normal.settle(policy, { ...bills[i++ % bills.length]!, bill_id: `K${k++}` });
    })
    .add('ledger.settle, one transaction per bill, durability full', () => {
      open.full.settle(policy, { ...bills[i++ % bills.length]!, bill_id: `K${k++}` });
    });
  await bench.run();
  console.log('\n| kernel | per second | ±% |');
  console.log('|---|---:|---:|');
  for (const t of bench.tasks) {
    const r = t.result as { throughput?: { mean: number; rme: number } } | undefined;
    console.log(`| ${t.name} | ${fmt(r?.throughput?.mean ?? 0)} | ${(r?.throughput?.rme ?? 0).toFixed(1)} |`);
  }
  open.full.close();
  open.normal.close();
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${load()}`);
  if (values['no-e2e'] !== true) await endToEnd();
  if (values['no-kernels'] !== true) await kernels();
  console.log(`\nload average after: ${load()}`);
}

await main();
