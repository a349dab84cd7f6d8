/**
 * `drg qc` and `drg group --qc`, run as the real binary (bin/drg.js over
 * dist/): findings files, summaries, counts, exit codes, configuration
 * errors, malformed rows, and output identical for any number of workers.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvRows as csv, requireBuilt, requireShared, ROOT, runDrg as drg, writeIn } from './helpers.js';

const EXAMPLES = join(ROOT, 'examples/cases.csv');
const REF = join(ROOT, '../shared/validation/chs-drg-1.1-public-2k.csv');

let tmp: string;
const file = (name: string, text: string) => writeIn(tmp, name, text);

beforeAll(() => {
  requireShared();
  requireBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'drg-qc-cli-'));
});

describe('drg qc', () => {
  it('checks the bundled examples: one row per finding, counts and summary on standard error', () => {
    const r = drg(['qc', '--scheme', 'chs-drg-1.1', EXAMPLES]);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'line', 'rule', 'severity', 'field', 'value', 'message']);
    expect(rows.filter((x) => x['severity'] === 'error')).toEqual([
      { id: 'E08-invalid-sex', line: '9', rule: 'range.sex', severity: 'error', field: 'sex', value: '9', message: 'sex is 9: it must be 1 (male) or 2 (female); 9 (unknown) cannot be grouped' },
    ]);
    expect(r.err).toContain('drg qc: note: no column for total_cost');
    expect(r.err).toMatch(/drg qc: 8 rows read = 0 clean \+ 7 with warnings only \+ 1 with errors; 9 findings \(1 error, 8 warnings\) \(scheme chs-drg-1\.1, config default, /);
    expect(r.err).toContain('drg qc: quality score 70.0 over 8 cases: 1 with errors (12.5%), 7 with warnings only (87.5%), 0 clean; 1 hospital');
  });

  it('checks the 1.1 reference file into files, with a CSV and a JSON summary; counts reconcile', () => {
    const out = join(tmp, 'ref-findings.csv');
    const r = drg(['qc', '--scheme', 'chs-drg-1.1', REF, '-o', out, '--summary', join(tmp, 'ref-summary.csv')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const m = /(\d+) rows read = (\d+) clean \+ (\d+) with warnings only \+ (\d+) with errors; (\d+) findings \((\d+) errors, (\d+) warnings\)/.exec(r.err)!;
    const [read, clean, warned, errored, findings, errors, warnings] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
    expect(read).toBe(2000);
    expect(clean + warned + errored).toBe(read);
    expect(errors + warnings).toBe(findings);
    const rows = csv(readFileSync(out, 'utf8'));
    expect(rows.length).toBe(findings);
    expect(rows.filter((x) => x['severity'] === 'error').length).toBe(errors);
    expect(new Set(rows.filter((x) => x['severity'] === 'error').map((x) => x['line'])).size).toBe(errored);
    // The grouper's invalid cases (sex 9) are all among the error cases.
    const invalid = csv(readFileSync(REF, 'utf8')).filter((x) => x['expected_status'] === 'invalid').map((x) => x['id']);
    const errorIds = new Set(rows.filter((x) => x['severity'] === 'error').map((x) => x['id']));
    expect(invalid.filter((id) => !errorIds.has(id!))).toEqual([]);
    // Every finding names a rule of the catalogue.
    const rules = new Set(drg(['qc', '--list-rules']).out.split('\n').filter(Boolean).map((l) => l.split(' ')[0]));
    expect([...new Set(rows.map((x) => x['rule']))].filter((x) => !rules.has(x))).toEqual([]);
    const summary = csv(readFileSync(join(tmp, 'ref-summary.csv'), 'utf8'));
    expect(summary[0]).toMatchObject({ hospital_id: '(all)', cases: '2000', clean: String(clean), warning_only: String(warned), with_errors: String(errored) });
    const json = drg(['qc', '--scheme', 'chs-drg-1.1', REF, '-o', join(tmp, 'x.csv'), '--summary', join(tmp, 'ref-summary.json'), '-q']);
    expect(json.err).toBe('');
    const s = JSON.parse(readFileSync(join(tmp, 'ref-summary.json'), 'utf8'));
    expect(s).toMatchObject({ scheme: 'chs-drg-1.1', config: 'default', overall: { cases: 2000, withErrors: errored } });
    expect(s.scoreFormula).toContain('100 × (1 − (cases with errors + 0.2 × cases with warnings only) / cases)');
  });

  it('writes the same findings and summary with 1 or 2 workers', () => {
    const ref = readFileSync(REF, 'utf8');
    const body = ref.slice(ref.indexOf('\n') + 1);
    const big = file('big.csv', ref + body + body + body + body + body); // 12,000 rows: several batches
    const outs = [1, 2].map((w) => {
      const r = drg(['qc', '--scheme', 'chs-drg-1.1', big, '--workers', String(w), '-o', join(tmp, `w${w}.csv`), '--summary', join(tmp, `w${w}.json`), '-q']);
      expect(r.code).toBe(0);
      return [readFileSync(join(tmp, `w${w}.csv`), 'utf8'), readFileSync(join(tmp, `w${w}.json`), 'utf8')] as const;
    });
    expect(outs[1]![0]).toBe(outs[0]![0]);
    expect(outs[1]![1]).toBe(outs[0]![1]);
    expect(JSON.parse(outs[0]![1]).overall.cases).toBe(12000);
  });

  it('reports unreadable values and malformed rows, or sends malformed rows to --rejects (exit 3)', () => {
    const input = 'id,sex,age,los,discharge,diagnoses,total_cost\nA,1,forty,5,1,K35.800x001,100.00\nB,1,40,5,1,"K35.800x001,100.00\nC,1,40,5\nD,2,30,4,1,N40.x00,100.00\n';
    const r = drg(['qc', '--scheme', 'chs-drg-1.1', '-'], input);
    expect(r.code).toBe(0);
    expect(csv(r.out).map((x) => [x['id'], x['line'], x['rule'], x['field']])).toEqual([
      ['A', '2', 'value.unreadable', 'age'],
      ['B', '3', 'row.malformed', 'row'],
      ['C', '4', 'row.malformed', 'row'],
      ['D', '5', 'sex.dx', 'diagnoses'],
    ]);
    const rej = join(tmp, 'rejects.csv');
    const r2 = drg(['qc', '--scheme', 'chs-drg-1.1', '--rejects', rej, '-'], input);
    expect(r2.code).toBe(3);
    expect(r2.err).toContain('4 rows read = 0 clean + 0 with warnings only + 2 with errors + 2 rejected');
    expect(csv(readFileSync(rej, 'utf8')).map((x) => x['line'])).toEqual(['3', '4']);
  });

  it('checks itemised cost columns against the total', () => {
    const input = 'id,sex,age,los,discharge,diagnoses,total_cost,out_of_scope,cost_bed,cost_drug\nA,1,40,5,1,K35.800x001,1000.00,0,300.00,700.00\nB,1,40,5,1,K35.800x001,1000.00,1200.00,300.00,600.00\n';
    const r = drg(['qc', '--scheme', 'chs-drg-1.1', '-'], input);
    expect(r.err).not.toContain('ignoring');
    expect(csv(r.out).map((x) => [x['id'], x['rule'], x['message']])).toEqual([
      ['B', 'cost.shares', 'out_of_scope 1200.00 + pre_self_pay 0.00 = 1200.00 yuan exceeds total_cost 1000.00: the self-paid shares are part of the total'],
      ['B', 'cost.itemised', 'the 2 itemised costs sum to 900.00 yuan but total_cost is 1000.00 (difference 100.00): correct the items or the total'],
    ]);
  });

  it('applies a region configuration, and stops on a broken one naming the path and field', () => {
    const good = file('region.json', JSON.stringify({ name: 'test region', rules: { 'required.total_cost': 'off', 'range.sex': 'warning' } }));
    const r = drg(['qc', '--scheme', 'chs-drg-1.1', '--config', good, EXAMPLES]);
    expect(csv(r.out).map((x) => [x['rule'], x['severity']])).toEqual([['range.sex', 'warning']]);
    expect(r.err).toContain('config test region');
    expect(r.err).not.toContain('no column for total_cost');
    const bad = file('bad-region.json', JSON.stringify({ rules: { 'sex.dxx': 'off', 'sex.dx': 'fatal' } }));
    const out = join(tmp, 'never.csv');
    const b = drg(['qc', '--scheme', 'chs-drg-1.1', '--config', bad, EXAMPLES, '-o', out]);
    expect(b.code).toBe(1);
    expect(b.err).toContain(`bad-region.json, column sex.dx ($.rules["sex.dx"]): must be "error", "warning" or "off" (found "fatal")`);
    expect(b.err).toContain(`bad-region.json, column sex.dxx ($.rules["sex.dxx"]): unknown rule id "sex.dxx"`);
    expect(existsSync(out)).toBe(false);
    const b2 = drg(['qc', '--scheme', 'chs-drg-1.1', '--config', file('bad2.json', '{"rules":{"sex.dxx":"off"}}'), EXAMPLES]);
    expect(b2.code).toBe(1);
    expect(b2.err).toContain('bad2.json, column sex.dxx ($.rules["sex.dxx"]): unknown rule id "sex.dxx"');
    expect(readdirSync(tmp).filter((f) => f.includes('.partial-'))).toEqual([]);
  });

  it('lists the rules, and rejects a bad command line', () => {
    const l = drg(['qc', '--list-rules', '--scheme', 'chs-drg-2.0']);
    expect(l.code).toBe(0);
    expect(l.out).toMatch(/^age_days\.over_one_year +error +age_days is left empty/m);
    expect(drg(['qc', '--list-rules']).out).toMatch(/^age_days\.over_one_year +warning \(error under chs-drg-2\.0\)/m);
    expect(drg(['qc', EXAMPLES]).code).toBe(2);
    expect(drg(['qc', '--scheme', 'chs-drg-1.1', '--bogus', EXAMPLES]).code).toBe(2);
  });
});

describe('drg group --qc', () => {
  const input = 'id,sex,age,los,discharge,diagnoses,procedures,total_cost\nM,1,70,6,1,N40.x00,60.2901,20000.00\nF,2,70,6,1,N40.x00,60.2901,20000.00\nS,1,45,3,1,R50.900|J18.900,,8000.00\n';

  it('sends error cases to invalid with the rule ids as reasons, and attaches the findings', () => {
    const plain = csv(drg(['group', '--scheme', 'chs-drg-1.1', '-q', '-'], input).out);
    // Without the checks, the woman with a prostate diagnosis is merely ungroupable (MDCM needs sex 1).
    expect(plain.map((x) => x['status'])).toEqual(['grouped', 'ungroupable', 'grouped']);
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--qc', '-q', '-'], input);
    expect(r.code).toBe(0);
    const rows = csv(r.out);
    expect(Object.keys(rows[0]!).at(-1)).toBe('qc_findings');
    expect(rows.map((x) => [x['id'], x['status'], x['drg'], x['reasons'], x['qc_findings']])).toEqual([
      ['M', 'grouped', plain[0]!['drg'], '', ''],
      ['F', 'invalid', '0000', 'sex.dx|sex.px', 'error sex.dx diagnoses=N40.x00|error sex.px procedures=60.2901'],
      ['S', 'grouped', plain[2]!['drg'], '', 'warning principal.symptom diagnoses=R50.900'],
    ]);
    expect(rows[1]!['detail']).toContain('the principal diagnosis N40.x00 前列腺增生 is for male patients but sex is 2 (female)');
    const jsonl = drg(['group', '--scheme', 'chs-drg-1.1', '--qc', '--format', 'jsonl', '-q', '-'], input).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(jsonl[2].qc).toEqual([
      {
        rule: 'principal.symptom',
        severity: 'warning',
        field: 'diagnoses',
        value: 'R50.900',
        message: 'the principal diagnosis R50.900 发热 is a symptom while diagnosis 2 J18.900 肺炎 is definite: make the definite diagnosis principal if it explains the symptom',
      },
    ]);
  });

  it('groups the reference file the same with 1 or 2 workers; counts reconcile; --qc-config applies', () => {
    const outs = [1, 2].map((w) => {
      const r = drg(['group', '--scheme', 'chs-drg-1.1', '--qc', REF, '--workers', String(w), '-o', join(tmp, `g${w}.csv`)]);
      expect(r.code).toBe(0);
      return { text: readFileSync(join(tmp, `g${w}.csv`), 'utf8'), err: r.err };
    });
    expect(outs[1]!.text).toBe(outs[0]!.text);
    const m = /2000 rows read = (\d+) grouped \+ (\d+) ungroupable \+ (\d+) invalid/.exec(outs[0]!.err)!;
    expect(Number(m[1]) + Number(m[2]) + Number(m[3])).toBe(2000);
    const qcErrors = csv(readFileSync(join(tmp, 'ref-findings.csv'), 'utf8')).filter((x) => x['severity'] === 'error');
    expect(Number(m[3])).toBe(new Set(qcErrors.map((x) => x['id'])).size);
    const cfg = file('off.json', JSON.stringify({ rules: { 'sex.dx': 'off', 'sex.px': 'off' } }));
    expect(csv(drg(['group', '--scheme', 'chs-drg-1.1', '--qc-config', cfg, '-q', '-'], input).out)[1]!['status']).toBe('ungroupable');
  });

  it('refuses --qc with --compare-scheme', () => {
    const r = drg(['group', '--scheme', 'chs-drg-1.1', '--qc', '--compare-scheme', 'chs-drg-2.0', '--matrix', join(tmp, 'm.csv'), EXAMPLES]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--qc cannot be combined with --compare-scheme');
  });
});

describe('examples/qc-library.mjs (the README library example of the checks)', () => {
  it('runs and prints what the README says', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'examples/qc-library.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('error sex.dx diagnoses=N40.x00: the principal diagnosis N40.x00 前列腺增生 is for male patients but sex is 2 (female): correct the sex or the code');
    expect(r.stdout).toContain('blocks grouping: true');
    expect(r.stdout).toContain('(all),3,1,1,1,33.3%,33.3%,1,1,60.0,principal.external_cause 1 | principal.symptom 1\nH1,2,1,1,0,0.0%,50.0%,0,1,90.0,principal.symptom 1\nH2,1,0,0,1,100.0%,0.0%,1,0,0.0,principal.external_cause 1');
    expect(r.stdout).toContain("[ 'error principal.symptom' ]");
  });
});
