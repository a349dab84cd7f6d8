/**
 * A deterministic generator of DIP-like case histories for benchmarks and
 * tests: real ICD-10 / ICD-9-CM-3 codes from a scheme's dictionaries,
 * principal diagnoses drawn with a Zipf-like skew, each with a few typical
 * treatments (conservative, one or two operating-room procedure sets, a
 * therapeutic procedure), log-normal costs around a per-treatment mean,
 * three discharge years with inflation, hospital levels with cost factors.
 *
 *   node dist/bench/dip-synth.js -n 1000000 --seed 1 [--universe 1] [--scheme chs-drg-1.1] > history.csv
 *
 * `--universe` fixes the diseases and treatments (a region), `--seed` the cases drawn.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveSchemeDir } from '../src/paths.js';

export const SYNTH_HEADER = 'id,sex,age,age_days,birth_weight,los,discharge,diagnoses,procedures,total_cost,hospital_id,hospital_level,discharge_date,icu_days';

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function firstColumn(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .map((l) => l.split(',')[0]!)
    .filter((c) => c !== '');
}

interface Treatment {
  readonly procs: string;
  /** Mean cost in fen. */
  readonly mean: number;
  readonly weight: number;
  readonly los: number;
}

interface Disease {
  readonly code: string;
  readonly treatments: readonly Treatment[];
  readonly total: number;
}

export interface SynthOptions {
  readonly n: number;
  /** Seed of the cases. */
  readonly seed: number;
  /** Seed of the disease universe (codes, treatments, mean costs): keep it to draw more cases of one region (default 1). */
  readonly universe?: number;
  readonly scheme?: string;
  /** Distinct principal diagnoses (default 4,000). */
  readonly diseases?: number;
  readonly years?: readonly number[];
}

/** Yields CSV lines (without the header), deterministic for a seed. */
export function* synthLines(o: SynthOptions): Generator<string> {
  const dir = resolveSchemeDir(o.scheme ?? 'chs-drg-1.1');
  let rnd = prng(o.universe ?? 1);
  const dx = firstColumn(join(dir, 'icd10_dx_names.csv')).filter((c) => /^[A-Z][0-9]{2}\.[0-9]/.test(c) && !c.includes('+'));
  const or = firstColumn(join(dir, 'or_valid_procedures.csv'));
  const orSet = new Set(or);
  const nonOr = firstColumn(join(dir, 'icd9_proc_names.csv')).filter((c) => !orSet.has(c));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const nd = o.diseases ?? 4000;
  const diseases: Disease[] = [];
  for (let i = 0; i < nd; i++) {
    const base = Math.round(Math.exp(8 + 1.2 * normal()) * 100); // about 3,000 yuan, wide spread
    const ts: Treatment[] = [{ procs: '', mean: base, weight: 3 + rnd() * 5, los: 3 + Math.floor(rnd() * 8) }];
    const surgical = Math.floor(rnd() * 4);
    for (let k = 0; k < surgical; k++) {
      const main = pick(or);
      const procs = rnd() < 0.3 ? `${main}|${pick(or)}` : main;
      ts.push({ procs, mean: Math.round(base * (2 + rnd() * 6)), weight: 1 + rnd() * 6, los: 5 + Math.floor(rnd() * 10) });
    }
    if (rnd() < 0.4) ts.push({ procs: pick(nonOr), mean: Math.round(base * (1.1 + rnd())), weight: 1 + rnd() * 2, los: 4 + Math.floor(rnd() * 6) });
    diseases.push({ code: pick(dx), treatments: ts, total: ts.reduce((a, t) => a + t.weight, 0) });
  }
  rnd = prng(o.seed * 7919 + 17);
  // Zipf-like skew over diseases: index = floor(nd * u^2.2).
  const years = o.years ?? [2022, 2023, 2024];
  const inflation = [1, 1.04, 1.09];
  const levelFactor = [0, 0.75, 0.9, 1.1];
  for (let i = 0; i < o.n; i++) {
    const d = diseases[Math.floor(nd * rnd() ** 2.2)]!;
    let r = rnd() * d.total;
    let t = d.treatments[0]!;
    for (const x of d.treatments) {
      r -= x.weight;
      if (r <= 0) {
        t = x;
        break;
      }
    }
    const yi = Math.floor(rnd() * years.length);
    const level = 1 + Math.floor(rnd() ** 0.7 * 3);
    const died = rnd() < 0.01;
    const icu = rnd() < 0.05 ? 2 + Math.floor(rnd() * 20) : 0;
    const factor = inflation[yi]! * levelFactor[level]! * (died ? 1.8 : 1) * (icu > 0 ? 1 + icu / 10 : 1);
    const cost = Math.max(500, Math.round(t.mean * factor * Math.exp(0.3 * normal())));
    const age = Math.floor(rnd() * 90) + 1;
    const secondary = rnd() < 0.6 ? `|${pick(dx)}` + (rnd() < 0.3 ? `|${pick(dx)}` : '') : '';
    const month = 1 + Math.floor(rnd() * 12);
    const day = 1 + Math.floor(rnd() * 28);
    const los = Math.max(1, Math.round(t.los * (0.5 + rnd())));
    const fen = cost % 100;
    yield `S${i},${1 + Math.floor(rnd() * 2)},${age},,,${los},${died ? 5 : 1},${d.code}${secondary},${t.procs},${Math.floor(cost / 100)}.${fen < 10 ? '0' : ''}${fen},H${Math.floor(rnd() * 200)},${level},${years[yi]}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day},${icu > 0 ? icu : ''}`;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { n: { type: 'string', short: 'n' }, seed: { type: 'string' }, universe: { type: 'string' }, scheme: { type: 'string' }, diseases: { type: 'string' } } });
  const n = Number(values.n ?? '1000');
  const out = process.stdout;
  let buf = `${SYNTH_HEADER}\n`;
  for (const line of synthLines({ n, seed: Number(values.seed ?? '1'), universe: Number(values.universe ?? '1'), scheme: values.scheme, diseases: values.diseases !== undefined ? Number(values.diseases) : undefined })) {
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.write(buf);
}

if (process.argv[1]?.endsWith('dip-synth.js')) await main();
