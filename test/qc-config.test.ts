/**
 * The region configuration: every problem is reported with its JSON path and
 * field (and file), and each setting changes what the checks do.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError, type DataIssue, formatIssue } from '../src/errors.js';
import { checkCase, loadQcConfig, qcConfig, type QcInput } from '../src/qc/index.js';
import { scheme } from './helpers.js';

function issuesOf(f: () => unknown): DataIssue[] {
  try {
    f();
  } catch (err) {
    if (err instanceof DataError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a DataError');
}

const pick = (i: DataIssue) => ({ code: i.code, path: i.path, column: i.column });

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'drg-qc-config-'));
});

describe('configuration errors name the JSON path and the field', () => {
  it('an unknown rule id', () => {
    const issues = issuesOf(() => qcConfig({ rules: { 'sex.dxx': 'off' } }));
    expect(issues.map(pick)).toEqual([{ code: 'qc-config.unknown-rule', path: '$.rules["sex.dxx"]', column: 'sex.dxx' }]);
    expect(issues[0]!.message).toBe('unknown rule id "sex.dxx" (rules of "sex": sex.dx, sex.px)');
  });

  it('a bad severity', () => {
    const issues = issuesOf(() => qcConfig({ rules: { 'sex.dx': 'fatal', 'principal.symptom': 'error' } }));
    expect(issues.map(pick)).toEqual([{ code: 'qc-config.invalid', path: '$.rules["sex.dx"]', column: 'sex.dx' }]);
    expect(issues[0]!.message).toBe('must be "error", "warning" or "off" (found "fatal")');
  });

  it('an unknown field, a bad range, a bad pattern and a bad MDC, all at once, with the file', () => {
    const issues = issuesOf(() =>
      qcConfig(
        {
          rulez: {},
          params: { obstetric_age: { min: 60, max: 10 }, vent_hours_per_day: 0 },
          sex_mdcs: { male: ['M'] },
          lists: { male_dx: { add: ['N40*', 'O84-O80'] }, female_px: { add: [], drop: [] } },
        },
        { file: 'region.json' },
      ),
    );
    expect(issues.map(pick)).toEqual([
      { code: 'qc-config.invalid', path: '$.params.obstetric_age.max', column: 'max' },
      { code: 'qc-config.invalid', path: '$.params.vent_hours_per_day', column: 'vent_hours_per_day' },
      { code: 'qc-config.invalid', path: '$.sex_mdcs.male[0]', column: '0' },
      { code: 'qc-config.invalid', path: '$.lists.male_dx.add[1]', column: '1' },
      { code: 'qc-config.unknown-field', path: '$.lists.female_px.drop', column: 'drop' },
      { code: 'qc-config.unknown-field', path: '$.rulez', column: 'rulez' },
    ]);
    expect(issues.every((i) => i.file === 'region.json')).toBe(true);
    expect(formatIssue(issues[3]!)).toBe('region.json, column 1 ($.lists.male_dx.add[1]): range "O84-O80": the first bound is after the second (found "O84-O80")');
    expect(issues[5]!.message).toBe('unknown field "rulez" (expected: name, rules, params, sex_mdcs, lists)');
  });

  it('a file that is not JSON, or missing, or a list file that cannot be read', () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{ "rules": { "sex.dx": "off", } }');
    expect(issuesOf(() => loadQcConfig(bad))[0]).toMatchObject({ code: 'qc-config.json', file: bad });
    expect(issuesOf(() => loadQcConfig(join(tmp, 'none.json')))[0]).toMatchObject({ code: 'qc-config.unreadable', message: 'no such file' });
    const cfg = join(tmp, 'list.json');
    writeFileSync(cfg, JSON.stringify({ lists: { secondary_only_dx: { add_files: ['codes.csv'] } } }));
    writeFileSync(join(tmp, 'codes.csv'), 'code\nZ85.000\n');
    const issues = issuesOf(() => loadQcConfig(cfg));
    expect(issues.map((i) => [i.code, i.file, i.column ?? i.path])).toEqual([
      ['header.missing', 'codes.csv', 'dx_code'],
      ['qc-config.list-file', cfg, '0'],
    ]);
    expect(issues[1]!.path).toBe('$.lists.secondary_only_dx.add_files[0]');
  });
});

describe('configuration settings', () => {
  const base: QcInput = { id: 'C', sex: 2, age: 62, los: 3, discharge: 1, diagnoses: ['O80.000', 'R10.400'], procedures: [], total_cost: 100000, birth_weight: 3000 };
  const rules = (c: QcInput, json: unknown = {}, name = 'chs-drg-1.1') => checkCase(c, scheme(name), qcConfig(json)).map((f) => `${f.rule}:${f.severity}`);

  it('switches rules off and changes severities', () => {
    expect(rules(base)).toEqual(['age.obstetric:error']);
    expect(rules(base, { rules: { 'age.obstetric': 'warning' } })).toEqual(['age.obstetric:warning']);
    expect(rules(base, { rules: { 'age.obstetric': 'off' } })).toEqual([]);
    expect(rules({ ...base, age: 62, age_days: 22765, diagnoses: ['K35.800x001'] }, { rules: { 'age_days.over_one_year': 'warning' } }, 'chs-drg-2.0')).toEqual(['age_days.over_one_year:warning']);
  });

  it('sets parameters: the obstetric age range', () => {
    expect(rules(base, { params: { obstetric_age: { min: 12, max: 65 } } })).toEqual([]);
    expect(rules({ ...base, age: 11 }, { params: { obstetric_age: { min: 12, max: 65 } } })).toEqual(['age.obstetric:error']);
  });

  it('extends and trims the code lists (patterns, and files relative to the config file)', () => {
    const c: QcInput = { id: 'C', sex: 2, age: 50, los: 3, discharge: 1, diagnoses: ['I89.000x023', 'K35.800x001'], procedures: [], total_cost: 100000 };
    expect(rules(c)).toEqual(['sex.dx:error']); // right lymphatic duct obstruction: on the scheme's MDCM list
    expect(rules(c, { lists: { male_dx: { remove: ['I89.000x023'] } } })).toEqual([]);
    expect(rules({ ...c, diagnoses: ['K35.800x001', 'K40.900'], sex: 2 }, { lists: { male_dx: { add: ['K40*'] } } })).toEqual(['sex.dx:error']);
    const cfg = join(tmp, 'z.json');
    writeFileSync(cfg, JSON.stringify({ lists: { secondary_only_dx: { add_files: ['z.csv'] } } }));
    writeFileSync(join(tmp, 'z.csv'), 'dx_code,name\nZ85.000,恶性肿瘤个人史\n');
    const z: QcInput = { ...c, diagnoses: ['Z85.000', 'K35.800x001'] };
    expect(checkCase(z, scheme('chs-drg-1.1'), loadQcConfig(cfg)).map((f) => f.rule)).toEqual(['principal.secondary_only']);
  });

  it('a code on both sex lists counts as neither', () => {
    const c: QcInput = { id: 'C', sex: 1, age: 50, los: 3, discharge: 1, diagnoses: ['N40.x00'], procedures: [], total_cost: 100000 };
    expect(rules(c, { lists: { female_dx: { add: ['N40.x00'] } } })).toEqual([]);
    expect(rules({ ...c, sex: 2 }, { lists: { female_dx: { add: ['N40.x00'] } } })).toEqual([]);
  });
});
