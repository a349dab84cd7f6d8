/**
 * `drg dip …` through the real binary: build, group (nothing lost, counts
 * reconcile, identical bytes for any worker count, bad directories), what-if
 * and settle; and the dip-group job's fused path against its generic path.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RecordSplitter } from '../src/io/records.js';
import { parseHeader } from '../src/io/rows.js';
import { DipGroupJob, type DipGroupJobSpec } from '../src/jobs/dip-group.js';
import { DipBuildJob } from '../src/jobs/dip-build.js';
import { DirectoryBuilder } from '../groupers/dip/build.js';
import { csvRows, requireBuilt, requireShared, ROOT, runDrg } from './helpers.js';
import { DIP_MINI, dipCopy, dipMini } from './dip-helpers.js';

const CASES = join(ROOT, 'examples/dip/cases.csv');
const POLICY = join(ROOT, 'examples/dip/policy.json');
const drg = runDrg;
const csv = csvRows;
let tmp: string;
let history: string; // 12,000 synthetic cases (with malformed rows) from CHS-DRG 1.1 lists
let built: string; // a directory built from them

beforeAll(() => {
  requireShared();
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'drg-dip-'));
  history = join(tmp, 'history.csv');
  expect(drg(['synth', '--scheme', 'chs-drg-1.1', '-n', '12000', '--seed', '11', '--malformed', '0.01', '-o', history, '-q']).code).toBe(0);
  built = join(tmp, 'built');
  const r = drg(['dip', 'build', history, '-o', built, '--scheme', 'chs-drg-1.1', '--min-cases', '5', '-q']);
  expect(r.code).toBe(3); // malformed rows were left out
});

describe('drg dip', () => {
  it('lists its subcommands and rejects unknown ones', () => {
    expect(drg(['dip']).code).toBe(2);
    expect(drg(['dip', '--help'])).toMatchObject({ code: 0, out: expect.stringMatching(/build .*\n.*group .*\n.*whatif .*\n.*settle/) });
    expect(drg(['dip', 'regroup'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown subcommand "regroup"') });
  });
});

describe('drg dip group', () => {
  it('groups and scores the example cases', () => {
    const r = drg(['dip', 'group', '--directory', DIP_MINI, CASES, '--workers', '1']);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(rows.map((x) => [x['id'], x['status'], x['group'], x['match'], x['score'], x['deviation'], x['payment']])).toEqual([
      ['D01-appendectomy', 'grouped', 'K35.8-S01', 'full', '200', 'normal', '20000.00'],
      ['D02-appendectomy-high', 'grouped', 'K35.8-S01', 'full', '300', 'high', '30000.00'],
      ['D03-appendectomy-low', 'grouped', 'K35.8-S01', 'full', '80', 'low', '8000.00'],
      ['D04-adhesiolysis', 'grouped', 'K35.8-S02', 'full', '260', 'normal', '26000.00'],
      ['D05-severe-elderly', 'grouped', 'K35.8-S01', 'full', '270', 'normal', '27000.00'],
      ['D06-conservative', 'grouped', 'K35.8-C', 'conservative', '72', 'normal', '7200.00'],
      ['D07-other-surgery', 'grouped', 'K35-ZS', 'comprehensive', '250', 'normal', '25000.00'],
      ['D08-cholecystectomy-tie', 'grouped', 'K80.1-S02', 'full', '320', 'normal', '32000.00'],
      ['D09-pneumonia-primary-care', 'grouped', 'J18.9-P', 'conservative', '60', 'normal', '6000.00'],
      ['D10-extreme', 'grouped', 'K35.8-S02', 'full', '1740', 'extreme', '174000.00'],
      ['D11-no-diagnosis', 'invalid', '', '', '', '', ''],
      ['D12-unknown-category', 'ungrouped', '', '', '', '', ''],
    ]);
    expect(rows[4]!['subtype']).toBe('severity:severe');
    expect(rows[4]!['coefficient']).toBe('1.35');
    expect(r.err).toMatch(/drg dip group: 12 rows read = 10 grouped \(9 core \+ 1 comprehensive\) \+ 1 ungrouped \+ 1 invalid; deviation: 7 normal, 1 low, 1 high, 1 extreme \(review\)/);
  });

  it('writes the same bytes for 1 and 2 workers, counts reconcile, malformed rows go to the rejects file', () => {
    const one = join(tmp, 'one.csv');
    const two = join(tmp, 'two.csv');
    const rejects = join(tmp, 'rejects.csv');
    const a = drg(['dip', 'group', '--directory', built, history, '-o', one, '--workers', '1', '--rejects', rejects]);
    const b = drg(['dip', 'group', '--directory', built, history, '-o', two, '--workers', '2', '--rejects', join(tmp, 'rejects2.csv')]);
    expect([a.code, b.code]).toEqual([3, 3]);
    expect(readFileSync(one)).toEqual(readFileSync(two));
    const m = /(\d+) rows read = (\d+) grouped \((\d+) core \+ (\d+) comprehensive\) \+ (\d+) ungrouped \+ (\d+) invalid \+ (\d+) rejected.*deviation: (\d+) normal, (\d+) low, (\d+) high, (\d+) extreme \(review\)(?:, (\d+) without cost)?/.exec(a.err)!;
    const [read, grouped, core, comp, ungrouped, invalid, rejected, normal, low, high, extreme, noCost] = m.slice(1).map((x) => Number(x ?? 0));
    expect(read).toBe(12000);
    expect(grouped! + ungrouped! + invalid! + rejected!).toBe(read);
    expect(core! + comp!).toBe(grouped);
    expect(normal! + low! + high! + extreme! + noCost!).toBe(grouped);
    const out = csv(readFileSync(one, 'utf8'));
    const rej = csv(readFileSync(rejects, 'utf8'));
    expect(out.length + rej.length).toBe(read);
    expect(rejected).toBe(rej.length);
    expect(rej.every((r) => /^row\./.test(r['reason']!) && r['line'] !== '')).toBe(true);
    expect(out.filter((r) => r['status'] === 'grouped').length).toBe(grouped);
  });

  it('gives every detail with --format jsonl --trace, the same cells as CSV', () => {
    const plain = csv(drg(['dip', 'group', '--directory', DIP_MINI, CASES, '--workers', '1', '-q']).out);
    const traced = csv(drg(['dip', 'group', '--directory', DIP_MINI, CASES, '--workers', '1', '-q', '--trace']).out);
    expect(traced.map(({ trace, ...rest }) => (expect(trace).toBeTruthy(), rest))).toEqual(plain);
    const json = drg(['dip', 'group', '--directory', DIP_MINI, CASES, '--workers', '1', '-q', '--format', 'jsonl', '--trace']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(json[1]).toMatchObject({ line: 3, id: 'D02-appendectomy-high', group: 'K35.8-S01', standard_cost: '20000.00', ratio: '2.5', deviation: 'high', score: '300' });
    expect(json[1].trace).toContain('chosen: K35.8-S01 (all related procedures matched)');
  });

  it('stops with one line naming file, line and column for a bad directory, leaving no output', () => {
    const dir = dipCopy({ 'directory.csv': (t) => t.replace('K35.8-S03,', 'K35.8-S01,') });
    const out = join(tmp, 'never.csv');
    const r = drg(['dip', 'group', '--directory', dir, CASES, '-o', out, '--workers', '2']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/directory\.csv, line 4, column group_code: group K35\.8-S01 is defined twice \(first on line 2\)/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).some((f) => f.startsWith('never.csv'))).toBe(false);
    expect(drg(['dip', 'group', CASES])).toMatchObject({ code: 2, err: expect.stringContaining('--directory is required') });
    expect(drg(['dip', 'group', '--directory', DIP_MINI, '--point-value', '-1', CASES])).toMatchObject({ code: 2, err: expect.stringContaining('--point-value') });
  });

  it('scores with another point value when asked', () => {
    const rows = csv(drg(['dip', 'group', '--directory', DIP_MINI, CASES, '--workers', '1', '-q', '--point-value', '50']).out);
    expect([rows[0]!['score'], rows[0]!['deviation'], rows[0]!['payment']]).toEqual(['400', 'high', '20000.00']); // standard 10,000: 30,000 is 3×
  });
});

describe('drg dip build', () => {
  it('writes a directory folder and reports coverage and CV', () => {
    const files = readdirSync(built).sort();
    expect(files).toEqual(['build_report.csv', 'dip.json', 'directory.csv', 'procedure_types.csv']);
    const params = JSON.parse(readFileSync(join(built, 'dip.json'), 'utf8'));
    expect(params).toMatchObject({ format: 'dip-directory-1', multiplier: 1000, build: { years: [2022, 2023, 2024], min_cases: 5 } });
    expect(Object.keys(params.hospital_coefficients)).toEqual(['1', '2', '3']);
    const r = drg(['dip', 'build', history, '-o', join(tmp, 'b2'), '--scheme', 'chs-drg-1.1', '--trim', 'pct:2.5', '--rejects', join(tmp, 'brej.csv')]);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/drg dip build: 12000 rows read = \d+ used \+ \d+ excluded \(.*\) \+ \d+ invalid \+ \d+ rejected/);
    expect(r.err).toMatch(/coverage \d+\.\d % of cases in core groups/);
    expect(r.err).toMatch(/within-group CV: median \d\.\d{3}/);
    const m = /(\d+) rows read = (\d+) used \+ (\d+) excluded.* \+ (\d+) invalid \+ (\d+) rejected/.exec(r.err)!.slice(1).map(Number);
    expect(m[1]! + m[2]! + m[3]! + m[4]!).toBe(m[0]);
    expect(csv(readFileSync(join(tmp, 'brej.csv'), 'utf8')).length).toBe(m[2]! + m[3]! + m[4]!);
  });

  it('needs procedure types and refuses to overwrite a folder', () => {
    expect(drg(['dip', 'build', history, '-o', join(tmp, 'x')])).toMatchObject({ code: 2, err: expect.stringContaining('--scheme') });
    expect(drg(['dip', 'build', history, '-o', built, '--scheme', 'chs-drg-1.1'])).toMatchObject({ code: 2, err: expect.stringContaining('exists') });
    const types = join(tmp, 'types.csv');
    writeFileSync(types, 'proc_code,type\n47.0100,operation\n');
    expect(drg(['dip', 'build', history, '-o', join(tmp, 'y'), '--procedure-types', types])).toMatchObject({ code: 1, err: expect.stringMatching(/types\.csv, line 2, column type: expected one of diagnostic, therapeutic, surgery/) });
  });
});

describe('drg dip whatif and settle', () => {
  it('lists the reachable groups of each case', () => {
    const r = drg(['dip', 'whatif', '--directory', DIP_MINI, CASES]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      [
        'D04-adhesiolysis (line 5)',
        '  principal K35.800x001 (as coded):',
        '    → K35.8-S02 急性阑尾炎：阑尾切除术伴粘连松解 [full, related 2/2]: score 260, payment 26000.00',
        '      K35.8-S01 急性阑尾炎：腹腔镜阑尾切除术 [full, related 0/0]: score 200, payment 20000.00',
        '      K35-ZS 阑尾疾病：综合（手术） [comprehensive]: score 250, payment 25000.00',
      ].join('\n'),
    );
    const rows = csv(drg(['dip', 'whatif', '--directory', DIP_MINI, CASES, '--format', 'csv']).out);
    expect(rows.filter((x) => x['id'] === 'D05-severe-elderly').map((x) => [x['position'], x['group'], x['chosen']])).toEqual([
      ['1', 'K35.8-S01', 'yes'],
      ['1', 'K35.8-S02', 'no'],
      ['1', 'K35-ZS', 'no'],
    ]);
  });

  it('settles the example year per hospital, with advances and the review list', () => {
    const adv = join(tmp, 'adv.csv');
    const rev = join(tmp, 'rev.csv');
    const r = drg(['dip', 'settle', '--directory', DIP_MINI, '--policy', POLICY, CASES, '--advances', adv, '--review', rev, '--workers', '1']);
    expect(r.code).toBe(0);
    const h = csv(r.out);
    expect(h.map((x) => [x['hospital_id'], x['cases'], x['scores'], x['assessment_coefficient'], x['deductions'], x['in_policy']])).toEqual([
      ['H1', '6', '3070', '0.98', '2000.00', 'yes'],
      ['H2', '3', '422', '1.02', '0.00', 'yes'],
      ['H3', '1', '60', '1', '0.00', 'no'],
    ]);
    // Employees: 240,000 / 0.8 / 3,070 scores; H1 = 3,070 × that × 0.8 × 0.98 − 2,000 = 240,000 × 0.98 − 2,000.
    expect(h[0]!['settlement']).toBe('233200.00');
    for (const x of h) expect(Number(x['clearing'])).toBeCloseTo(Number(x['settlement']) - Number(x['advances']), 2);
    expect(csv(readFileSync(adv, 'utf8'))[0]).toEqual({ hospital_id: 'H1', month: '2024-03', cases: '2', scores: '500', advance: '36000.00' }); // 500 × 100 × 0.8 × 0.9
    expect(csv(readFileSync(rev, 'utf8'))).toEqual([{ id: 'D10-extreme', line: '11', hospital_id: 'H1', group: 'K35.8-S02', cost: '200000.00', standard: '26000.00', ratio: '7.6923', selected: 'no' }]);
    expect(r.err).toMatch(/pool employee: 6 cases, 3070 scores, .*settlement point value 97\.7199/);
    expect(r.err).toMatch(/special review: 1 extreme cases flagged, cap 0 \(of 10 cases\), 0 selected/);
  });

  it('gives the same settlement on 2 workers, and names bad policies by JSON path', () => {
    const a = drg(['dip', 'settle', '--directory', DIP_MINI, '--policy', POLICY, CASES, '--workers', '1', '-q']);
    const b = drg(['dip', 'settle', '--directory', DIP_MINI, '--policy', POLICY, CASES, '--workers', '2', '-q']);
    expect(b.out).toBe(a.out);
    const bad = join(tmp, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ format: 'dip-settlement-1', year: 2024, pools: [{ name: 'all', fund_budget: 'lots' }] }));
    expect(drg(['dip', 'settle', '--directory', DIP_MINI, '--policy', bad, CASES])).toMatchObject({ code: 1, err: expect.stringContaining('bad-policy.json, $.pools[0].fund_budget: must be a non-negative amount') });
  });
});

describe('the dip-build job reads the same rows line by line as batch by batch', () => {
  it('on synthetic data with malformed rows', () => {
    const text = readFileSync(history, 'utf8');
    const read = (fused: boolean) => {
      const splitter = new RecordSplitter<string>(1 << 16, 1000, true);
      const batches = [...splitter.push(text), ...splitter.end()];
      const builder = new DirectoryBuilder({ procedureTypes: new Map([['47.0100', 'surgery']]), minCases: 5 });
      const job = new DipBuildJob({ kind: 'dip-build', header: parseHeader(batches[0]!.text), newline: '\n', columns: [] }, builder, true, fused);
      const rejects = batches.slice(1).map((b) => job.run(b).rejects).join('');
      return { rejects, groups: builder.finish().groups };
    };
    const a = read(true);
    const b = read(false);
    expect(a.rejects).toBe(b.rejects);
    expect(a.rejects.split('\n').length).toBeGreaterThan(50);
    expect(a.groups).toEqual(b.groups);
  });
});

describe('the dip-group fused reader gives the same bytes as the generic path', () => {
  const d = dipMini();
  const run = (text: string, fused: boolean): string => {
    const splitter = new RecordSplitter<string>(4096, 50, true);
    const batches = [...splitter.push(text), ...splitter.end()];
    const header = parseHeader(batches[0]!.text);
    const spec: DipGroupJobSpec = { kind: 'dip-group', directory: '', format: 'csv', trace: false, rejects: true, header, columns: [], newline: text.includes('\r\n') ? '\r\n' : '\n', pointValue: null };
    const job = new DipGroupJob(spec, { directory: d, fused });
    return batches
      .slice(1)
      .map((b) => {
        const r = job.run(b);
        return `${typeof r.out === 'string' ? r.out : Buffer.from(r.out).toString('utf8')}${r.rejects}${JSON.stringify(r.counts)}`;
      })
      .join('');
  };

  it('on synthetic data with malformed rows', () => {
    const text = readFileSync(history, 'utf8');
    const job = (fused: boolean) => {
      const splitter = new RecordSplitter<string>(1 << 16, 1000, true);
      const batches = [...splitter.push(text), ...splitter.end()];
      const header = parseHeader(batches[0]!.text);
      const j = new DipGroupJob({ kind: 'dip-group', directory: built, format: 'csv', trace: false, rejects: false, header, columns: [], newline: '\n', pointValue: null }, { fused });
      return batches.slice(1).map((b) => Buffer.from(j.run(b).out as Uint8Array).toString('utf8')).join('');
    };
    expect(job(true)).toBe(job(false));
  });

  it('on random rows with odd values (spaces, signs, decimals, lower case, quotes, bad widths, ICU days, CRLF)', () => {
    const cell = {
      id: fc.constantFrom('A1', ' A2', '', 'B,', '"Q,1"', 'x"y', '"open'),
      num: fc.constantFrom('', '1', '3', '0', ' 1', '-3', '2.0', '.5', 'x', '70', '007'),
      dx: fc.constantFrom('K35.800x001', 'k35.800X001', ' K35.800x001 ', 'K35.800x001|J96.000', 'J18.900|', '|K80.100', 'X99.999', '', 'K35', '"K35.800|J96.000"', '123'),
      px: fc.constantFrom('', '47.0100', '51.2300|51.2200', '47.0100|54.5100|54.5901', ' 47.0100', '87.4400', '99.0400'),
      money: fc.constantFrom('', '12.34', '1,5', '-0.5', '20000', '1.234', '50000.00', '8000.5'),
      icu: fc.constantFrom('', '3', '9', ' 2', 'x', '-1'),
    };
    const row = fc
      .tuple(cell.id, cell.num, cell.num, cell.num, cell.num, cell.dx, cell.px, cell.money, cell.num, cell.icu, fc.boolean())
      .map(([id, sex, age, los, dis, dx, px, money, level, icu, short]) => (short ? `${id},${sex},${age}` : [id, sex, age, los, dis, dx, px, money, level, icu].join(',')));
    const doc = fc
      .tuple(fc.array(row, { minLength: 1, maxLength: 60 }), fc.constantFrom('\n', '\r\n'))
      .map(([rows, nl]) => ['id,sex,age,los,discharge,diagnoses,procedures,total_cost,hospital_level,icu_days', ...rows].join(nl) + nl);
    fc.assert(
      fc.property(doc, (text) => {
        expect(run(text, true)).toBe(run(text, false));
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});
