/**
 * The payment commands through the real binary: drg weights, drg rates,
 * drg price, drg hospitals — outputs, summaries that reconcile, identical
 * output for any worker count, the fused reader against the generic path,
 * and bad policy / weight files named by file, row or path, and field.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { PriceJob, type PriceJobSpec } from '../src/jobs/price.js';
import type { Fen } from '../src/money.js';
import { loadPolicy } from '../src/payment/policy.js';
import { Pricer } from '../src/payment/price.js';
import { OUTLIER_CLASSES } from '../src/payment/types.js';
import { loadWeightTable } from '../weights/table.js';
import { loadSchemeSync, type CompiledScheme } from '../groupers/chs-drg/index.js';
import { csvRows, miniCopy, requireBuilt, requireShared, ROOT, runDrg, scheme, writeIn } from './helpers.js';

const EX = join(ROOT, 'examples/payment');

/**
 * A CSV text priced by the fused reader and by the generic path, batch by
 * batch (small batches): the two must write the same bytes. The header and
 * the fused path's output.
 */
function pricedBothWays(spec: PriceJobSpec, s: CompiledScheme, text: string): string {
  const fast = new PriceJob(spec, { scheme: s });
  const slow = new PriceJob(spec, { scheme: s, fused: false });
  const splitter = new RecordSplitter<string>(4096, 500, true);
  let out = fast.head();
  for (const b of [...splitter.push(text), ...splitter.end()].slice(1)) {
    const f = Buffer.from(fast.run(b).out);
    expect(f).toEqual(Buffer.from(slow.run(b).out));
    out += f.toString('utf8');
  }
  return out;
}
const drg = runDrg;
const csv = csvRows;
let tmp: string;
let history: string; // 8,000 synthetic cases (with malformed rows) under CHS-DRG 1.1
let table: string; // weights computed from them
const file = (name: string, text: string) => writeIn(tmp, name, text);

beforeAll(() => {
  requireShared();
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'drg-pay-'));
  history = join(tmp, 'history.csv');
  expect(drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '8000', '--seed', '11', '--malformed', '0.01', '-o', history, '-q']).code).toBe(0);
  table = join(tmp, 'weights.csv');
  const r = drg(['weights', '--scheme', 'chs-drg-1.1', history, '-o', table, '--workers', '1', '-q']);
  expect(r.code).toBe(0);
});

describe('drg weights', () => {
  it('writes a weight table and a report whose counts reconcile; the same bytes for any worker count', () => {
    const report = join(tmp, 'report.json');
    const rej = join(tmp, 'w-rejects.csv');
    const out2 = join(tmp, 'weights2.csv');
    const r = drg(['weights', '--scheme', 'chs-drg-1.1', history, '-o', out2, '--report', report, '--rejects', rej, '--workers', '2']);
    expect([0, 3]).toContain(r.code);
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(table, 'utf8'));
    const m = /(\d+) rows read = (\d+) grouped \+ (\d+) ambiguous \+ (\d+) ungroupable \+ (\d+) invalid \+ (\d+) rejected; grouped = (\d+) used \+ (\d+) without a usable cost \+ (\d+) without a usable year/.exec(r.err)!;
    const n = m.slice(1).map(Number);
    expect(n[0]).toBe(8000);
    expect(n[0]).toBe(n[1]! + n[2]! + n[3]! + n[4]! + n[5]!);
    expect(n[1]).toBe(n[6]! + n[7]! + n[8]!);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep.counts.cases).toBe(n[6]);
    expect(rep.counts.cases).toBe(rep.counts.kept + rep.counts.trimmed + rep.counts.lowCost + rep.counts.longStay + rep.counts.outOfWindow);
    expect(rep.evaluation.grouping_rate).toBeCloseTo(n[1]! / n[0]!, 4);
    expect(rep.evaluation.mdcs.length).toBeGreaterThan(20);
    expect(r.err).toMatch(/scheme evaluation: RIV 0\.\d{3}, CV of all cases \d\.\d{3}/);
    const rows = csv(readFileSync(table, 'utf8'));
    expect(Object.keys(rows[0]!)).toEqual(['drg', 'name', 'rw', 'mean_cost', 'mean_los', 'n', 'sd', 'cv', 'flags']);
    expect(rows.reduce((a, x) => a + Number(x['n']), 0)).toBe(rep.counts.kept);
  });

  it('takes the year from a year column when there is one, and needs a year and a cost', () => {
    const h = file('years.csv', 'id,sex,age,diagnoses,procedures,total_cost,year\nY1,1,30,K35.800x001,47.0100,8000,2023\nY2,1,31,K35.800x001,47.0100,9000,2024\nY3,1,32,K35.800x001,47.0100,10000,24\n');
    const r = drg(['weights', '--scheme', 'chs-drg-1.1', h, '--trim', 'none', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('grouped = 2 used + 0 without a usable cost + 1 without a usable year');
    expect(csv(r.out)[0]).toMatchObject({ drg: 'GD25', rw: '1.0000', n: '2' });
    const noYear = drg(['weights', '--scheme', 'chs-drg-1.1', '-', '--workers', '1'], 'id,sex,age,diagnoses,total_cost\nY1,1,30,K35.800x001,8000\n');
    expect(noYear.code).toBe(1);
    expect(noYear.err).toMatch(/the history needs a year: a "year" column or discharge_date/);
    expect(drg(['weights', '--scheme', 'chs-drg-1.1', h, '--trim', 'sd']).code).toBe(2);
  });
});

describe('drg rates', () => {
  it('the worked example: rate 11,538.46 and its standards', () => {
    const r = drg(['rates', '--weights', join(EX, 'weights.csv'), '--forecast', join(EX, 'forecast.csv'), '--budget', '120000000', '--scheme', 'chs-drg-1.1']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('rate 11538.46 = 120000000.00 / 10400');
    expect(csv(r.out).map((x) => [x['drg'], x['standard']])).toEqual([['GD25', '9230.77'], ['HC29', '28846.15'], ['BR21', '69230.76']]);
    const p = drg(['rates', '--method', 'points', '--weights', join(EX, 'weights.csv'), '--forecast', join(EX, 'forecast.csv'), '--fund-budget', '90000000', '--patient-share', '30000000']);
    expect(p.err).toContain('provisional point value 115.3846 = (fund budget 90000000 + patients\' share 30000000) / 1040000 forecast points');
  });
});

describe('drg price', () => {
  const price = (policy: string, extra: string[] = []) => drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', join(EX, policy), join(EX, 'cases.csv'), '--workers', '1', ...extra]);

  it('prices the example cases under the rate policy', () => {
    const r = price('policy-rate.json');
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['id'], x['outlier_class'], x['standard'], x['payment'], x['fund_payment']])).toEqual([
      ['P01-cholecystectomy', 'normal', '30288.46', '30288.46', '22788.46'],
      ['P02-appendicitis', 'normal', '9230.77', '9230.77', '7130.77'],
      ['P03-appendicitis-cc', 'normal', '12115.38', '12115.38', '8815.38'],
      ['P04-perforated-appendix-mcc', 'normal', '19626.92', '19626.92', '14826.92'],
      ['P05-newborn', 'normal', '14538.46', '14538.46', '11038.46'],
      ['P06-stroke-mcc', 'normal', '76326.91', '76326.91', '61326.91'],
      ['P07-multiple-trauma', 'normal', '50769.22', '50769.22', '38769.22'],
      ['P08-invalid-sex', 'ungroupable', '', '7290.00', '5290.00'],
      ['P09-cholecystectomy-high', 'high', '28846.15', '31153.85', '17153.85'],
      ['P10-appendicitis-low', 'low', '9692.31', '2761.90', '1961.90'],
      ['P11-stroke-long-stay', 'long_stay', '69230.76', '190000.00', '150000.00'],
      ['P12-cholecystectomy-review', 'special_review', '30288.46', '98000.00', '78000.00'],
    ]);
    expect(rows[11]).toMatchObject({ review: 'yes', fallback_class: 'high', fallback_payment: '65929.49' });
    expect(rows[5]).toMatchObject({ rw: '6.3', coefficient: '1.05' }); // the level-3 row of BR21
    expect(r.err).toContain('12 rows read = 7 normal + 1 high + 1 low + 1 ungroupable + 1 long_stay + 1 special_review + 0 unpriced; 1 flagged for special review; payments 542101.87 yuan, fund 417101.87 yuan');
  });

  it('adds the trace of each decision with --trace', () => {
    const rows = csv(price('policy-rate.json', ['--trace']).out);
    expect(rows[8]!['trace']).toBe(
      'HC29: RW 2.5 × rate 11538.46 × coefficient 1 = 28846.15\n' +
        'class high: cost 60000.00 > 2 × standard 28846.15 = 57692.30 (band $.outliers.high[1] (1 < RW ≤ 3))\n' +
        'pay standard_plus_excess: 28846.15 + 28846.15 × (60000.00 / 28846.15 − 2) → 31153.85\n' +
        'fund payment: 31153.85 − patient share 14000.00 = 17153.85',
    );
  });

  it('prices in points under the point policy', () => {
    const rows = csv(price('policy-points.json').out);
    expect(rows.map((x) => [x['outlier_class'], x['points'], x['payment']]).slice(7, 12)).toEqual([
      ['ungroupable', '72.9', '8383.50'],
      ['high', '350', '40250.00'],
      ['low', '29', '3335.00'],
      ['long_stay', '1900', '218500.00'],
      ['special_review', '980', '112700.00'],
    ]);
  });

  it('accounts for every row and writes the same bytes for any worker count', () => {
    const one = join(tmp, 'p1.csv');
    const two = join(tmp, 'p2.csv');
    const rej1 = join(tmp, 'r1.csv');
    const rej2 = join(tmp, 'r2.csv');
    const a = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', table, '--policy', join(EX, 'policy-rate.json'), history, '-o', one, '--rejects', rej1, '--workers', '1']);
    const b = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', table, '--policy', join(EX, 'policy-rate.json'), history, '-o', two, '--rejects', rej2, '--workers', '2']);
    expect(a.code).toBe(3);
    expect(b.code).toBe(3);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    expect(readFileSync(rej2, 'utf8')).toBe(readFileSync(rej1, 'utf8'));
    const m = /(\d+) rows read = (\d+) normal \+ (\d+) high \+ (\d+) low \+ (\d+) ungroupable \+ (\d+) long_stay \+ (\d+) special_review \+ (\d+) unpriced \+ (\d+) rejected/.exec(a.err)!;
    const n = m.slice(1).map(Number);
    expect(n[0]).toBe(8000);
    expect(n[0]).toBe(n.slice(1).reduce((x, y) => x + y, 0));
    expect(csv(readFileSync(one, 'utf8')).length + csv(readFileSync(rej1, 'utf8')).length).toBe(8000);
    const norm = (s: string) => s.replace(/\d+ workers?, [\d.]+ s, \d+ rows\/s/, '').replace(/r[12]\.csv/, 'r.csv');
    expect(norm(a.err)).toBe(norm(b.err));
  });

  it('the fused reader and the generic path write the same bytes', () => {
    const text = readFileSync(history, 'utf8').split('\n').filter((l) => !l.includes('"')).slice(0, 6001).join('\n');
    const header = parseHeader(text.slice(0, text.indexOf('\n') + 1));
    // With a hospital coefficient (the fused path then cuts that hospital's id out of its line), without any, and
    // with 60 (more distinct coefficients than the usual-row table is made for: every row takes the general path).
    const rate = JSON.parse(readFileSync(join(EX, 'policy-rate.json'), 'utf8')) as { coefficients: Record<string, unknown> };
    delete rate.coefficients['by_hospital'];
    const none = file('policy-no-hospital.json', JSON.stringify(rate));
    rate.coefficients['by_hospital'] = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`H${String(i + 1).padStart(3, '0')}`, (1 + (i + 1) / 1000).toFixed(3)]));
    const many = file('policy-60-hospitals.json', JSON.stringify(rate));
    expect(text).toContain(',H042,');
    for (const policy of [join(EX, 'policy-rate.json'), none, many]) {
      const spec: PriceJobSpec = { kind: 'price', scheme: '', weights: table, policy, trace: false, rejects: false, header, newline: '\n', columns: [], shareColumn: null, reviewColumn: null };
      const s = scheme('chs-drg-1.1');
      const fast = new PriceJob(spec, { scheme: s });
      const slow = new PriceJob(spec, { scheme: s, fused: false });
      const splitter = new RecordSplitter<string>(64 * 1024, 500, true);
      const batches = [...splitter.push(text), ...splitter.end()].slice(1);
      expect(batches.length).toBeGreaterThan(5);
      for (const b of batches) {
        const [f, g] = [fast.run(b), slow.run(b)];
        expect(Buffer.from(f.out)).toEqual(Buffer.from(g.out));
        expect(f.counts).toEqual(g.counts);
      }
    }
  });

  it('a slot\'s usual case is what price returns inside its window, and never outside it', () => {
    const s = scheme('chs-drg-1.1');
    const p = new Pricer(loadPolicy(join(EX, 'policy-rate.json')), loadWeightTable(table, { scheme: s }), s);
    expect(p.slotOf(-1, null, 2)).toBe(-1);
    expect(p.slotOf(s.drgs.size, null, 2)).toBe(-1);
    let inside = 0;
    let outside = 0;
    const slots = new Set<number>();
    for (const d of s.drgs.values())
      for (const hospitalLevel of [null, 1, 3, 7, 2.5])
        for (const hospitalId of [null, 'H1', 'H007']) {
          const slot = p.slotOf(d.index, hospitalId, hospitalLevel);
          expect(slot).toBeGreaterThanOrEqual(0);
          expect(slot).toBeLessThan(p.slotCount);
          slots.add(slot);
          const u = p.usualAt(slot);
          const at = (cost: number, los: number | null) => p.price({ status: 'grouped', drg: d.drg, drgIndex: d.index, cost: cost as Fen, los, hospitalId, hospitalLevel });
          if (u === null) {
            // No shared result: no weight, or every case is classified.
            expect(at(1_000_000, 5).class).not.toBe('normal');
            continue;
          }
          expect(u.result.class).toBe('normal');
          const costs = [u.costMin - 1, u.costMin, Math.round((u.costMin + u.costMax) / 2), u.costMax, u.costMax + 1];
          for (const cost of costs)
            for (const los of [null, 1, u.losMax, u.losMax + 1]) {
              const inWindow = cost >= u.costMin && cost <= u.costMax && !(los !== null && los > u.losMax);
              if (inWindow) inside++;
              else outside++;
              expect(at(cost, los) === u.result).toBe(inWindow);
            }
        }
    // Levels outside 1–9 or not whole are priced as no level; H007 has a coefficient of its own.
    const d = s.drgs.values().next().value!;
    expect(p.slotOf(d.index, null, 7)).not.toBe(p.slotOf(d.index, null, 3));
    expect(p.slotOf(d.index, null, 2.5)).toBe(p.slotOf(d.index, null, null));
    expect(p.slotOf(d.index, 'H007', 3)).not.toBe(p.slotOf(d.index, 'H1', 3));
    expect(inside).toBeGreaterThan(1000);
    expect(outside).toBeGreaterThan(1000);
    expect(slots.size).toBeGreaterThan(2000);
  });

  it('quote classes and pays a case by its cost as price does, outliers included', () => {
    const s = scheme('chs-drg-1.1');
    const counts: Record<string, number> = {};
    for (const file of ['policy-rate.json', 'policy-points.json']) {
      const policy = loadPolicy(join(EX, file));
      const p = new Pricer(policy, loadWeightTable(table, { scheme: s }), s);
      const rng = fc.sample(fc.integer({ min: 0, max: 3_000_000 }), { numRuns: 12, seed: 7 });
      // Every third DRG, at two levels, with and without a coefficient of its own.
      for (const d of [...s.drgs.values()].filter((_, i) => i % 3 === 0))
        for (const hospitalLevel of [null, 3])
          for (const hospitalId of [null, 'H007']) {
            const slot = p.slotOf(d.index, hospitalId, hospitalLevel);
            const u = p.usualAt(slot);
            if (u === null) {
              expect(p.quote(slot, 100_000)).toBe(-1);
              continue;
            }
            const t = p.price({ status: 'grouped', drg: d.drg, drgIndex: d.index, cost: 1 as Fen, los: 1, hospitalId, hospitalLevel }).terms!;
            // Around each threshold, and a spread of costs.
            const edges = [t.low?.under, t.high?.over].filter((x): x is number => x !== undefined).flatMap((x) => [x - 1, x, x + 1]);
            for (const cost of [0, 1, ...edges, u.costMin, u.costMax, ...rng.map((r) => Math.round((r * t.standardFen) / 1_000_000))])
              for (const los of [null, 1, u.losMax]) {
                const r = p.price({ status: 'grouped', drg: d.drg, drgIndex: d.index, cost: cost as Fen, los, hospitalId, hospitalLevel });
                const k = p.quote(slot, cost);
                expect(OUTLIER_CLASSES[k]).toBe(r.class);
                expect(p.quotedFen).toBe(r.payment);
                expect(p.quotedPoints()?.toString() ?? null).toBe(r.points?.toString() ?? null);
                counts[`${file} ${r.class}`] = (counts[`${file} ${r.class}`] ?? 0) + 1;
              }
          }
    }
    // Every class a cost can give, under both methods.
    for (const file of ['policy-rate.json', 'policy-points.json']) for (const c of ['normal', 'low', 'high']) expect(counts[`${file} ${c}`]).toBeGreaterThan(200);
  });

  it('writes each row\'s own DRG name when two splits of one DRG carry different names', () => {
    // In a copy of the mini scheme GD15 has two splits: over 50 under its listed name, else under another.
    const dir = miniCopy();
    const drgCsv = join(dir, 'drg.csv');
    const rows = readFileSync(drgCsv, 'utf8').split('\n');
    const at = rows.findIndex((r) => r.startsWith('GD15,'));
    rows[at] = rows[at]!.replace('"{""true"": true}"', '"{""cmp"": [""age"", "">"", 50]}"');
    rows.splice(at + 1, 0, 'GD15,GD1,GD1,MDCG,4,ALWAYS,"{""true"": true}",阑尾切除术（另名）');
    writeFileSync(drgCsv, rows.join('\n'));
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"drg.csv": 17', '"drg.csv": 18'));
    const s = loadSchemeSync(dir);
    const listed = s.drgs.get('GD15')!.name;
    const head = 'id,sex,age,diagnoses,procedures,total_cost,hospital_level,discharge_date,los';
    const lines = Array.from({ length: 40 }, (_, i) => `C${i},1,${i % 3 === 0 ? 30 : 60},K35.900,47.0100,10000.00,2,2024-03-01,5`);
    const text = `${head}\n${lines.join('\n')}\n`;
    const weights = file('weights-mini.csv', `drg,rw\n${[...s.drgs.keys()].map((d) => `${d},1`).join('\n')}\n`);
    const spec: PriceJobSpec = { kind: 'price', scheme: dir, weights, policy: join(EX, 'policy-rate.json'), trace: false, rejects: false, header: parseHeader(`${head}\n`), newline: '\n', columns: [], shareColumn: null, reviewColumn: null };
    const got = csv(pricedBothWays(spec, s, text));
    expect(got.map((r) => [r['drg'], r['outlier_class']])).toEqual(lines.map(() => ['GD15', 'normal']));
    expect(got.map((r) => r['drg_name'])).toEqual(lines.map((_, i) => (i % 3 === 0 ? '阑尾切除术（另名）' : listed)));
  });

  it('tells without a string which hospital ids may have a coefficient of their own', () => {
    const s = scheme('chs-drg-1.1');
    const p = new Pricer(loadPolicy(join(EX, 'policy-rate.json')), loadWeightTable(table, { scheme: s }), s);
    const line = 'A,H007,h007,H00,H0070,,医院';
    const cell = (i: number): [number, number] => {
      const cells = line.split(',');
      const a = cells.slice(0, i).reduce((n, c) => n + c.length + 1, 0);
      return [a, a + cells[i]!.length];
    };
    // With one id (compared exactly): H007 has one, the others none.
    expect([1, 2, 3, 4, 5, 6].map((i) => p.mayHaveOwnCoefficient(line, ...cell(i)))).toEqual([true, false, false, false, false, false]);
    expect(p.coefficientOf('H007', 3).toString()).toBe('1.08');
    expect(p.coefficientOf('h007', 3).toString()).toBe('1.05');
    const rate = JSON.parse(readFileSync(join(EX, 'policy-rate.json'), 'utf8')) as { coefficients: Record<string, unknown> };
    // With many (a case-insensitive index): an id differing only in case may have one (the exact table then decides).
    rate.coefficients['by_hospital'] = Object.fromEntries(['H007', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H8', 'H9', '医院'].map((h) => [h, '1.02']));
    const many = new Pricer(loadPolicy(file('policy-many-hospitals.json', JSON.stringify(rate))), loadWeightTable(table, { scheme: s }), s);
    expect([1, 2, 3, 4, 5, 6].map((i) => many.mayHaveOwnCoefficient(line, ...cell(i)))).toEqual([true, true, false, false, false, true]);
    expect(many.coefficientOf('h007', 3).toString()).toBe('1.05');
    delete rate.coefficients['by_hospital'];
    const none = new Pricer(loadPolicy(file('policy-no-hospital.json', JSON.stringify(rate))), loadWeightTable(table, { scheme: s }), s);
    expect([1, 2, 3, 4, 5, 6].some((i) => none.mayHaveOwnCoefficient(line, ...cell(i)))).toBe(false);
  });

  it('copies the cells kept per DRG and per terms to the rows they belong to', () => {
    // The job writes `status,drg,drg_name,` and the terms cells from runs made once (indexed by DRG and terms):
    // every row must show its own DRG's name and its own terms, looked up here by code.
    const text = readFileSync(history, 'utf8').split('\n').filter((l) => !l.includes('"')).join('\n');
    const header = parseHeader(text.slice(0, text.indexOf('\n') + 1));
    const spec: PriceJobSpec = { kind: 'price', scheme: '', weights: table, policy: join(EX, 'policy-rate.json'), trace: false, rejects: true, header, newline: '\n', columns: [], shareColumn: null, reviewColumn: null };
    const s = scheme('chs-drg-1.1');
    const job = new PriceJob(spec, { scheme: s });
    const splitter = new RecordSplitter<string>(64 * 1024, 500, true);
    let out = '';
    for (const b of [...splitter.push(text), ...splitter.end()].slice(1)) out += Buffer.from(job.run(b).out).toString('utf8');
    const rows = csv(`${job.head()}${out}`);
    const drgs = new Set<string>();
    let priced = 0;
    for (const r of rows) {
      if (r['status'] !== 'grouped') continue;
      drgs.add(r['drg']!);
      expect(r['drg_name']).toBe(s.drgs.get(r['drg']!)!.name);
      const t = job.pricer.termsFor(r['drg']!, r['hospital_id'] || null, r['hospital_level'] === '' ? null : Number(r['hospital_level']));
      if (t === null) continue;
      priced++;
      expect([r['rw'], r['coefficient'], r['standard']]).toEqual([t.text.rw, t.text.coefficient, t.text.standard]);
      if (r['outlier_class'] === 'normal') expect(r['payment']).toBe(t.text.standard);
    }
    expect(drgs.size).toBeGreaterThan(200);
    expect(priced).toBeGreaterThan(7000);
  });

  it('the fused reader and the generic path write the same bytes for unusual costs, hospital ids, dates and ids', () => {
    const head = 'id,sex,age,diagnoses,procedures,total_cost,hospital_id,hospital_level,admit_date,discharge_date,los';
    const costs = ['8000', '8000.5', '8000.50', '+8000.50', '-8000.50', '-0.00', '0.00', '0.5', '00.50', '007', '24000.01', '024000.01', '+24000.01', '2400.99', '100000000.00', '', '3200', '3199.99'];
    const hospitals = ['H007', ' H007', 'H007\t', '\u3000H1\u3000', '', '医院一', 'H-1;x', 'h007', '  '];
    const dates = ['2024-03-01', '', '2024-02-29'];
    const ids = ['A', '病例', 'a;b', 'x\u00e9'];
    const rows: string[] = [];
    let n = 0;
    for (const cost of costs)
      for (const hid of hospitals) {
        const date = dates[n % dates.length]!;
        rows.push(`${ids[n % ids.length]}${n},1,30,K35.800x001,47.0100,${cost},${hid},${1 + (n % 3)},${date === '' ? '' : '2024-02-20'},${date},${1 + (n % 70)}`);
        n++;
      }
    // Plain rows with LOS of three digits (and the largest the usual-row writer writes as digits, and one past it).
    for (const los of [100, 150, 999, 1000]) rows.push(`P${n++},1,30,K35.800x001,47.0100,24000.01,H1,2,2024-01-01,2024-03-01,${los}`);
    const text = `${head}\n${rows.join('\n')}\n`;
    const s = scheme('chs-drg-1.1');
    // Under the example policy long stays (over 60 days) are an outlier class of their own; without that rule,
    // a normal case with a LOS of three digits is written by the usual-row writer too.
    const rate = JSON.parse(readFileSync(join(EX, 'policy-rate.json'), 'utf8')) as { outliers: Record<string, unknown>; pay: Record<string, unknown> };
    delete rate.outliers['long_stay'];
    delete rate.pay['long_stay'];
    const noLongStay = file('policy-no-long-stay.json', JSON.stringify(rate));
    const priced = (policy: string): string => {
      const spec: PriceJobSpec = { kind: 'price', scheme: '', weights: join(EX, 'weights.csv'), policy, trace: false, rejects: false, header: parseHeader(`${head}\n`), newline: '\n', columns: [], shareColumn: null, reviewColumn: null };
      return pricedBothWays(spec, s, text);
    };
    const plain = csv(priced(noLongStay));
    expect(plain.filter((r) => r['outlier_class'] === 'normal' && r['id']!.startsWith('P')).map((r) => r['los'])).toEqual(['100', '150', '999', '1000']);
    const got = csv(priced(join(EX, 'policy-rate.json')));
    expect(got.length).toBe(rows.length);
    // Costs as formatYuan writes them, trimmed hospital ids, and every class met.
    expect(new Set(got.map((r) => r['total_cost']))).toEqual(new Set(['8000.00', '8000.50', '-8000.50', '0.00', '0.50', '7.00', '24000.01', '2400.99', '100000000.00', '', '3200.00', '3199.99']));
    expect(new Set(got.map((r) => r['hospital_id']))).toEqual(new Set(['H007', 'H1', '', '医院一', 'H-1;x', 'h007']));
    expect(new Set(got.map((r) => r['outlier_class']))).toEqual(new Set(['normal', 'high', 'low', 'long_stay', '']));
  });

  it('reads a patient share and a review flag, and refuses bad values per row', () => {
    const input = 'id,sex,age,diagnoses,procedures,total_cost,hospital_level,patient_share,special_review\nA,1,30,K35.800x001,47.0100,8000,2,2000,no\nB,1,30,K35.800x001,47.0100,8000,2,-5,\nC,1,30,K35.800x001,47.0100,8000,2,,maybe\nD,1,30,K35.800x001,47.0100,,2,,\n';
    const r = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', join(EX, 'policy-rate.json'), '-', '--workers', '1'], input);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['id'], x['outlier_class'], x['payment'], x['fund_payment'], x['reasons']])).toEqual([
      ['A', 'normal', '9230.77', '7230.77', ''],
      ['B', '', '', '', 'patient_share.not_an_amount'],
      ['C', '', '', '', 'special_review.not_a_flag'],
      ['D', '', '', '', 'total_cost.missing'],
    ]);
    expect(rows[1]!['detail']).toBe('line 3: patient share "-5" is not a non-negative amount in yuan with at most two decimals');
    expect(r.err).toContain('4 rows read = 1 normal + 0 high + 0 low + 0 ungroupable + 0 long_stay + 0 special_review + 3 unpriced');
  });

  it('rejects bad policy and weight files, naming file, path or line, and field', () => {
    const bad = JSON.parse(readFileSync(join(EX, 'policy-rate.json'), 'utf8'));
    bad.outliers.high[1].rw_above = '0.5';
    bad.rate.default = '-1';
    const p = file('bad-policy.json', JSON.stringify(bad));
    const r = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', p, join(EX, 'cases.csv'), '--workers', '1']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('drg price: policy bad-policy.json: bad-policy.json, $.rate.default: must not be negative (found -1)');
    delete bad.pay.normal;
    bad.rate.default = '1';
    const q = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', file('bad2.json', JSON.stringify(bad)), join(EX, 'cases.csv')]);
    expect(q.err).toMatch(/bad2\.json, \$\.pay\.normal: Invalid input/);
    const o = file('overlap.json', JSON.stringify({ ...JSON.parse(readFileSync(join(EX, 'policy-rate.json'), 'utf8')), outliers: { reference: 'standard', high: [{ rw_upto: '3', multiple: 2 }, { rw_above: '1', multiple: 1.5 }] } }));
    expect(drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', o, join(EX, 'cases.csv')]).err).toContain('overlap.json, $.outliers.high[1]: band (RW > 1) overlaps band $.outliers.high[0] (RW ≤ 3)');
    const w = file('bad-weights.csv', 'drg,rw\nGD25,0.8\nXX99,1\nGD23,\n');
    const wr = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', w, '--policy', join(EX, 'policy-rate.json'), join(EX, 'cases.csv'), '--workers', '1']);
    expect(wr.code).toBe(1);
    expect(wr.err).toContain('drg price: weight table bad-weights.csv: bad-weights.csv, line 4, column rw: expected a non-negative decimal number');
    expect(wr.err).toContain('  - bad-weights.csv, line 3, column drg: DRG XX99 is not in scheme chs-drg-1.1');
    // With workers, the threads check the table against the scheme and report the same problem.
    const ww = drg(['price', '--scheme', 'chs-drg-1.1', '--weights', file('bad-weights2.csv', 'drg,rw\nXX99,1\n'), '--policy', join(EX, 'policy-rate.json'), join(EX, 'cases.csv'), '--workers', '2']);
    expect(ww.code).toBe(1);
    expect(ww.err).toContain('DRG XX99 is not in scheme chs-drg-1.1');
    expect(drg(['price', '--scheme', 'chs-drg-1.1', '--weights', w, join(EX, 'cases.csv')]).code).toBe(2);
  });
});

describe('drg hospitals', () => {
  it('settles the priced examples: statements per month and the clearing per hospital', () => {
    const priced = join(tmp, 'priced.csv');
    expect(drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', join(EX, 'policy-rate.json'), join(EX, 'cases.csv'), '--workers', '1', '-o', priced, '-q']).code).toBe(0);
    const out = join(tmp, 'hospitals.csv');
    const r = drg(['hospitals', '--policy', join(EX, 'policy-rate.json'), priced, '-o', out, '--assessment', file('assess.csv', 'hospital_id,amount\nH002,-1000.00\n')]);
    expect(r.code).toBe(0);
    const periods = csv(readFileSync(out, 'utf8'));
    expect(periods.map((p) => [p['hospital_id'], p['period'], p['cases'], p['cmi'], p['entitlement'], p['reserve'], p['advance']])).toEqual([
      ['H001', '2024-03', '2', '1.6500', '33050.36', '1237.52', '23512.84'],
      ['H001', '2024-04', '4', '2.9050', '176421.78', '6656.09', '126465.69'],
      ['H002', '2024-03', '3', '1.4500', '52500.00', '1655.00', '31445.00'],
      ['H002', '2024-04', '3', '5.2000', '248059.22', '9702.96', '184356.26'],
    ]);
    const clearing = csv(readFileSync(join(tmp, 'hospitals.clearing.csv'), 'utf8'));
    expect(clearing.map((c) => [c['hospital_id'], c['entitlement'], c['patient_payments'], c['advances'], c['assessment'], c['clearing']])).toEqual([
      ['H001', '209472.14', '51600.00', '149978.53', '0.00', '7893.61'],
      ['H002', '300559.22', '73400.00', '215801.26', '-1000.00', '10357.96'],
    ]);
    expect(r.err).toContain('special review (region): 1 flagged, cap 0 of 12 cases (5 %), 0 accepted, 1 refused and paid under their ordinary class (P12-cholecystectomy-review)');
  });

  it('computes the final point value under the point method', () => {
    const priced = join(tmp, 'priced-points.csv');
    drg(['price', '--scheme', 'chs-drg-1.1', '--weights', join(EX, 'weights.csv'), '--policy', join(EX, 'policy-points.json'), join(EX, 'cases.csv'), '--workers', '1', '-o', priced, '-q']);
    const r = drg(['hospitals', '--policy', join(EX, 'policy-points.json'), priced, '-o', join(tmp, 'hp.csv')]);
    expect(r.code).toBe(0);
    expect(r.err).toContain("point value: provisional 115, final 116.2171 = (fund budget 420000.00 + patients' share 125000.00 (sum of the cases)) / 4689.5 points");
    const c = csv(readFileSync(join(tmp, 'hp.clearing.csv'), 'utf8'));
    expect(c.map((x) => [x['points'], x['point_value'], x['entitlement']])).toEqual([
      ['1741.6', '116.2171', '202403.70'],
      ['2947.9', '116.2171', '342596.39'],
    ]);
  });

  it('reports rows it cannot settle and refuses input that is not priced output', () => {
    const priced = 'id,status,drg,hospital_id,hospital_level,discharge_date,los,total_cost,rw,standard,outlier_class,payment,patient_share,fallback_class,fallback_payment\nA,grouped,GD25,H1,2,2024-01-05,3,8000.00,0.8,9230.77,normal,9230.77,,,\nB,grouped,GD25,,2,2024-01-05,3,8000.00,0.8,9230.77,normal,9230.77,,,\nC,grouped,GD25,H1,2,,3,8000.00,0.8,9230.77,normal,9230.77,,,\nD,invalid,0000,H1,2,2024-01-05,3,8000.00,,,,,,,\n';
    const rej = join(tmp, 'h-rejects.csv');
    const r = drg(['hospitals', '--policy', join(EX, 'policy-rate.json'), '-', '--clearing', join(tmp, 'c.csv'), '--rejects', rej], priced);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/4 rows read \([\d.]+ s\) = 1 settled \+ 1 unpriced \(skipped\) \+ 2 unsettled \+ 0 malformed/);
    expect(csv(readFileSync(rej, 'utf8')).map((x) => [x['line'], x['reason']])).toEqual([['3', 'hospital_id.missing'], ['4', 'discharge_date.missing']]);
    const notPriced = drg(['hospitals', '--policy', join(EX, 'policy-rate.json'), join(ROOT, 'examples/cases.csv'), '--clearing', join(tmp, 'c2.csv')]);
    expect(notPriced.code).toBe(1);
    expect(notPriced.err).toMatch(/missing columns .*: the input must be the output of drg price/);
  });
});
