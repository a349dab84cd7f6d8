/**
 * Synthetic bills for the settlement benchmark and tests: deterministic (a
 * seeded generator), in date order, a mix of insured types, levels, person
 * classes, out-of-area care and day treatment under the Zibo 2023 policy.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A small, fast, seeded generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BILLS_HEADER = 'bill_id,person_id,date,insured_type,retired,person_class,hospital_level,out_of_area,total_cost,out_of_scope,pre_self_pay,diagnoses,department,flags,los,bed_fee,nursing_fee\n';

const DX = ['I63.900', 'J18.900', 'K35.800x001', 'C34.900', 'E11.900', 'K80.101', 'N18.500', 'I25.103', 'S72.000', 'M54.500'];
const CLASSES = ['extreme_poverty', 'subsistence', 'relapse_risk', 'low_income_margin', 'monitored'];

const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Bills as CSV text lines (without the header), `count` of them over `persons` people. */
export function* billLines(count: number, persons: number, seed = 6): Generator<string> {
  const r = rng(seed);
  for (let i = 0; i < count; i++) {
    const p = Math.floor(r() * persons);
    const employee = p % 10 < 3;
    const day = 1 + Math.floor((i * 365) / count);
    const date = new Date(Date.UTC(2023, 0, day)).toISOString().slice(0, 10);
    // Costs: mostly a few thousand yuan, a long tail up to a few hundred thousand.
    const u = r();
    const total = Math.round(100000 + 2_000_000 * u * u * u + 30_000_000 * Math.max(0, u - 0.97));
    const oos = Math.round(total * 0.08 * r());
    const pre = Math.round((total - oos) * 0.05 * r());
    const dayTreatment = r() < 0.05;
    const bed = dayTreatment ? Math.round(Math.min(total - oos - pre, 60000) * 0.3) : 0;
    const nursing = dayTreatment ? Math.round(bed / 3) : 0;
    const cls = p % 12 === 0 ? CLASSES[p % 5]! : '';
    const ooa = r() < 0.03 ? (r() < 0.5 ? 'filed' : 'unfiled') : '';
    yield [
      `B${String(i).padStart(8, '0')}`,
      `P${String(p).padStart(7, '0')}`,
      date,
      employee ? 'employee' : 'resident',
      employee && p % 7 === 0 ? '1' : '',
      cls,
      String(1 + Math.floor(r() * 3)),
      ooa,
      yuan(total),
      yuan(oos),
      yuan(pre),
      DX[Math.floor(r() * DX.length)]!,
      'internal',
      dayTreatment ? 'day_surgery' : '',
      String(dayTreatment ? 1 : 1 + Math.floor(r() * 20)),
      dayTreatment ? yuan(bed) : '',
      dayTreatment ? yuan(nursing) : '',
    ].join(',');
  }
}

/** Write a bills file. */
export async function writeBills(path: string, count: number, persons: number, seed = 6): Promise<void> {
  const out = createWriteStream(path);
  out.write(BILLS_HEADER);
  let chunk = '';
  for (const line of billLines(count, persons, seed)) {
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

// `node dist/bench/bills.js <file> <count> [persons]` writes a file.
if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  const [file, count, persons] = process.argv.slice(2);
  if (file === undefined || count === undefined) {
    process.stderr.write('usage: node dist/bench/bills.js <file> <count> [persons]\n');
    process.exit(2);
  }
  await writeBills(file, Number(count), Number(persons ?? Math.round(Number(count) * 0.6)));
}
