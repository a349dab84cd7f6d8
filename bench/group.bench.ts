/**
 * Grouping kernel benchmark (tinybench): scheme load time in fresh processes,
 * and groupCase throughput on pre-parsed cases, single thread.
 *
 *   npm run bench            (builds, then runs dist/bench/group.bench.js)
 *
 * Trace cost: besides the engine as shipped (trace off), the same compiled
 * engine is measured with its trace hooks folded to constants (`rec !== null`
 * → `false`), so that V8 removes them; the two must be within noise.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { CaseDecoder } from '../src/case/decode.js';
import type { Case } from '../src/case/schema.js';
import { parseCsvText } from '../src/csv/table.js';
import { IssueList } from '../src/errors.js';
import { validationDir } from '../src/paths.js';
import { groupCase, loadSchemeSync, type CompiledScheme, type GroupInput, type GroupOptions, type GroupResult } from '../groupers/chs-drg/index.js';
import { ensureInput } from './synth-data.js';

const here = dirname(fileURLToPath(import.meta.url));
const ONLY = process.env['BENCH_SCHEMES']?.split(',');
const ALL: [string, string][] = [
  ['chs-drg-1.1', 'chs-drg-1.1-public-2k.csv'],
  ['qingdao-2023', 'qingdao-2023-public-2k.csv'],
  ['chs-drg-2.0', 'chs-drg-2.0-public-2k.csv'],
];
/** `BENCH_SCHEMES=chs-drg-2.0,chs-drg-1.1` runs a subset, in that order. */
const SCHEMES = ONLY === undefined ? ALL : ONLY.map((n) => ALL.find(([a]) => a === n)!);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function cases(file: string): Case[] {
  const { header, rows } = parseCsvText(readFileSync(join(validationDir(), file), 'utf8'), file, new IssueList());
  const d = new CaseDecoder(header);
  return rows.map((r) => d.decode(r.cells).case);
}

/** Load time of a scheme in a fresh process (median of runs). */
function coldLoad(name: string, runs = 3): { loadMs: number; rssMb: number } {
  const entry = pathToFileURL(join(here, '../groupers/chs-drg/index.js')).href;
  const script = `const m = await import(${JSON.stringify(entry)}); const s = m.loadSchemeSync(${JSON.stringify(name)}); console.log(JSON.stringify({ loadMs: s.loadMs, rssMb: process.memoryUsage().rss / 1048576 }));`;
  const results = Array.from({ length: runs }, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as { loadMs: number; rssMb: number };
  }).sort((a, b) => a.loadMs - b.loadMs);
  return results[Math.floor(runs / 2)]!;
}

/** The shipped engine with its trace hooks folded away, loaded from a sibling module so its imports resolve. */
async function hookFreeEngine(): Promise<(s: CompiledScheme, c: GroupInput, o?: GroupOptions) => GroupResult> {
  const src = join(here, '../groupers/chs-drg/engine.js');
  const text = readFileSync(src, 'utf8');
  const folded = text.replaceAll('rec !== null', 'false').replaceAll('rec === null', 'true');
  if (folded === text) throw new Error('no trace hooks found to fold');
  const out = join(here, '../groupers/chs-drg/engine.hookfree.bench.js');
  writeFileSync(out, folded);
  try {
    return ((await import(pathToFileURL(out).href)) as { groupCase: typeof groupCase }).groupCase;
  } finally {
    rmSync(out, { force: true });
  }
}

/** The shipped engine with counters on MDC visits and ADRG rule tests (a sibling module, as above). */
async function countingEngine(): Promise<{ groupCase: typeof groupCase; counts: { mdcs: number; rules: number } }> {
  const src = join(here, '../groupers/chs-drg/engine.js');
  const text = readFileSync(src, 'utf8');
  const counted = text
    .replace('const mdc = mdcs[m];', 'const mdc = mdcs[m]; COUNTS.mdcs++;')
    .replace('const matched = pass && rule.cond.test(c);', 'if (pass) COUNTS.rules++; const matched = pass && rule.cond.test(c);');
  if (counted === text || !counted.includes('COUNTS.rules')) throw new Error('engine.js changed: the counting points were not found');
  const out = join(here, '../groupers/chs-drg/engine.counting.bench.js');
  writeFileSync(out, `export const COUNTS = { mdcs: 0, rules: 0 };\n${counted}`);
  try {
    const m = (await import(pathToFileURL(out).href)) as { groupCase: typeof groupCase; COUNTS: { mdcs: number; rules: number } };
    return { groupCase: m.groupCase, counts: m.COUNTS };
  } finally {
    rmSync(out, { force: true });
  }
}

/** Diagnosis codes of the first rows of the synthetic 1M file (drawn nearly uniformly from the scheme's lists). */
function synthCodes(rows: number): string[] {
  const lines = readFileSync(ensureInput('chs-drg-1.1', 1_000_000), 'utf8').split('\n', rows + 1).slice(1);
  const codes: string[] = [];
  for (const l of lines) for (const x of l.split(',')[7]?.split('|') ?? []) if (x !== '') codes.push(x);
  return codes;
}

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Node ${process.version}`);
  console.log('\n| scheme | cold load (median of 3 fresh processes) | RSS after load |');
  console.log('|---|---:|---:|');
  for (const [name] of SCHEMES) {
    const r = coldLoad(name);
    console.log(`| ${name} | ${fmt(r.loadMs)} ms | ${fmt(r.rssMb)} MB |`);
  }

  const hookFree = await hookFreeEngine();
  const bench = new Bench({ time: 3000, warmup: true, warmupTime: 500 });
  const perIteration = new Map<string, number>();
  const loaded = SCHEMES.map(([name, file]) => ({ name, s: loadSchemeSync(name), cs: cases(file) }));
  let sink = 0;
  for (const { name, s, cs } of loaded) {
    perIteration.set(`${name} groupCase (trace off)`, cs.length);
    bench.add(`${name} groupCase (trace off)`, () => {
      for (let i = 0; i < cs.length; i++) sink += groupCase(s, cs[i]!).drg.length;
    });
    perIteration.set(`${name} groupCase (trace on)`, cs.length);
    bench.add(`${name} groupCase (trace on)`, () => {
      for (let i = 0; i < cs.length; i++) sink += groupCase(s, cs[i]!, { trace: true }).drg.length;
    });
  }
  await bench.run();
  console.log('\n| task (2,000 reference cases per iteration, single thread) | cases/s | ±% |');
  console.log('|---|---:|---:|');
  for (const t of bench.tasks) {
    const r = t.result as { throughput?: { mean: number; rme: number }; hz?: number; rme?: number } | undefined;
    const hz = r?.throughput?.mean ?? r?.hz ?? 0;
    const rme = r?.throughput?.rme ?? r?.rme ?? 0;
    console.log(`| ${t.name} | ${fmt(hz * perIteration.get(t.name)!)} | ${rme.toFixed(1)} |`);
  }

  // Trace hook cost: shipped engine vs hooks compiled out, interleaved rounds
  // alternating which goes first; the median ratio is robust to drift.
  console.log('\n| scheme | trace off ÷ hooks compiled out (median of 15 interleaved rounds) |');
  console.log('|---|---:|');
  for (const { name, s, cs } of loaded) {
    const time = (g: typeof groupCase) => {
      const t0 = performance.now();
      for (let k = 0; k < 50; k++) for (let i = 0; i < cs.length; i++) sink += g(s, cs[i]!).drg.length;
      return performance.now() - t0;
    };
    const ratios: number[] = [];
    for (let round = 0; round < 15; round++) {
      if (round % 2 === 0) {
        const a = time(groupCase);
        ratios.push(hookFree === groupCase ? 1 : time(hookFree) / a);
      } else {
        const b = time(hookFree);
        ratios.push(b / time(groupCase));
      }
    }
    ratios.sort((x, y) => x - y);
    console.log(`| ${name} | ${(1 / ratios[7]!).toFixed(3)} (1.000 = no cost; below 1 = hooks cost) |`);
  }

  // 2.0 against 1.1: time per case of each on its own reference cases, in
  // interleaved rounds alternating which goes first (the issue's bound: 2.0 no
  // more than 20 % slower than 1.1).
  const v11 = loaded.find((l) => l.name === 'chs-drg-1.1');
  const v20 = loaded.find((l) => l.name === 'chs-drg-2.0');
  if (v11 !== undefined && v20 !== undefined) {
    const perCase = (l: typeof v11) => {
      const t0 = performance.now();
      for (let k = 0; k < 50; k++) for (let i = 0; i < l.cs.length; i++) sink += groupCase(l.s, l.cs[i]!).drg.length;
      return (performance.now() - t0) / (50 * l.cs.length);
    };
    const ratios: number[] = [];
    for (let round = 0; round < 15; round++) {
      if (round % 2 === 0) {
        const a = perCase(v11);
        ratios.push(perCase(v20) / a);
      } else {
        const b = perCase(v20);
        ratios.push(b / perCase(v11));
      }
    }
    ratios.sort((x, y) => x - y);
    console.log(`\n2.0 time per case ÷ 1.1 time per case (median of 15 interleaved rounds): ${ratios[7]!.toFixed(3)} (range ${ratios[0]!.toFixed(3)}–${ratios[14]!.toFixed(3)}; bound 1.200)`);
  }

  // Work per case: MDCs visited and ADRG rules tested (the candidate-MDC masks at work).
  const counting = await countingEngine();
  console.log('\n| scheme | MDCs visited per case | ADRG rules tested per case |');
  console.log('|---|---:|---:|');
  for (const { name, s, cs } of loaded) {
    counting.counts.mdcs = counting.counts.rules = 0;
    for (const c of cs) sink += counting.groupCase(s, c).drg.length;
    console.log(`| ${name} | ${(counting.counts.mdcs / cs.length).toFixed(2)} | ${(counting.counts.rules / cs.length).toFixed(2)} |`);
  }

  // Code look-ups on synthetic codes (most miss the CPU caches), median of 7 rounds.
  const v = loaded.find((l) => l.name === 'chs-drg-1.1');
  if (v !== undefined) {
    const codes = synthCodes(300_000);
    const table = v.s.dx;
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t0 = performance.now();
      for (let k = 0; k < codes.length; k++) sink += table.lookupRange(codes[k]!, 0, codes[k]!.length);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`\nchs-drg-1.1 diagnosis look-up: ${((times[3]! * 1e6) / codes.length).toFixed(0)} ns each (${codes.length.toLocaleString('en-US')} codes of 300,000 synthetic rows, median of 7 rounds)`);
  }
  if (sink < 0) console.log(sink);
  console.log(`\npeak RSS of this process: ${fmt(process.resourceUsage().maxRSS / 1024)} MB`);
}

await main();
