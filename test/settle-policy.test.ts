/**
 * Benefit policy files: the shipped examples load; broken policies are
 * rejected with every problem named by file and JSON path.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, formatIssue, type DataIssue } from '../src/errors.js';
import { loadPolicy, parsePolicy, resolvePolicyPath } from '../src/settle/policy/load.js';
import { policy, policyJson } from './settle-helpers.js';

/** The issues a modified copy of a shipped policy raises. */
function issuesOf(name: string, change: (p: Record<string, any>) => void): DataIssue[] {
  const json = policyJson(name);
  change(json);
  try {
    parsePolicy(json, `${name}.json`);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return [...(err as DataError).issues];
  }
  throw new Error('the policy was accepted');
}

describe('shipped policies', () => {
  it.each(['zibo-2023', 'panjin-2020', 'changchun-2023'])('%s loads and compiles', (name) => {
    const p = policy(name);
    expect(p.id).toBe(name);
    expect(p.levels).toEqual(['primary', 'secondary', 'tertiary']);
    expect(p.layers[0]!.id).toBe('basic');
    expect(p.methods[p.methods.length - 1]!.method).toBe('fee_for_service');
  });
  it('Zibo has its layers in order: basic, critical illness, then assistance by order', () => {
    expect(policy('zibo-2023').layers.map((l) => l.id)).toEqual(['basic', 'critical_illness', 'assistance', 'assistance_2']);
  });
  it('a bare name resolves to the policies folder', () => {
    expect(resolvePolicyPath('zibo-2023')).toMatch(/policies[/\\]zibo-2023\.json$/);
    expect(resolvePolicyPath('./x.json')).toBe('./x.json');
  });
});

describe('broken policies name the file and the JSON path', () => {
  it('overlapping critical-illness bands', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      p.critical_illness.types.resident.bands[2].from = 150000;
    });
    expect(issues).toEqual([
      expect.objectContaining({ code: 'policy.band_overlap', file: 'zibo-2023.json', path: '$.critical_illness.types.resident.bands[2].from', message: 'band 2 (from 150000.00) overlaps band 1 (to 200000.00)' }),
    ]);
    expect(formatIssue(issues[0]!)).toBe('zibo-2023.json, $.critical_illness.types.resident.bands[2].from: band 2 (from 150000.00) overlaps band 1 (to 200000.00)');
  });
  it('a gap between bands, an open band that is not the last, a closed last band', () => {
    expect(issuesOf('zibo-2023', (p) => (p.critical_illness.types.resident.bands[1].from = 110000))[0]).toMatchObject({ code: 'policy.band_gap', path: '$.critical_illness.types.resident.bands[1].from' });
    expect(issuesOf('zibo-2023', (p) => (p.critical_illness.types.resident.bands[0].to = null))[0]).toMatchObject({ code: 'policy.band_open', path: '$.critical_illness.types.resident.bands[0].to' });
    expect(issuesOf('zibo-2023', (p) => (p.critical_illness.types.resident.bands[3].to = 900000))[0]).toMatchObject({ code: 'policy.band_open', path: '$.critical_illness.types.resident.bands[3].to' });
  });
  it('a ratio above 1', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      p.basic.types.resident.ratio.tertiary = 1.2;
    });
    expect(issues).toEqual([expect.objectContaining({ code: 'policy.invalid', path: '$.basic.types.resident.ratio.tertiary', message: 'a ratio must be between 0 and 1 (found 1.2)' })]);
  });
  it('a ratio plus the retiree bonus above 1, a ratio minus the out-of-area change below 0', () => {
    expect(issuesOf('zibo-2023', (p) => (p.basic.types.employee.retiree_bonus = 0.1))[0]).toMatchObject({ code: 'policy.ratio_range', path: '$.basic.types.employee.retiree_bonus' });
    expect(issuesOf('zibo-2023', (p) => (p.out_of_area.unfiled.ratio_delta = -0.7))[0]).toMatchObject({ code: 'policy.ratio_range', path: '$.out_of_area.unfiled.ratio_delta' });
  });
  it('a missing hospital level', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      delete p.basic.types.resident.deductible.secondary;
    });
    expect(issues).toEqual([expect.objectContaining({ code: 'policy.level_missing', path: '$.basic.types.resident.deductible', message: expect.stringContaining('missing level "secondary"') })]);
  });
  it('a missing level in a method table, and an unknown one', () => {
    const issues = issuesOf('panjin-2020', (p) => {
      delete p.payment_methods[0].diseases[1].amount.primary;
      p.payment_methods[0].diseases[1].amount.quaternary = 1;
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['policy.level_missing', '$.payment_methods[0].diseases[1].amount'],
      ['policy.level_unknown', '$.payment_methods[0].diseases[1].amount.quaternary'],
    ]);
  });
  it('a missing insured type, and a missing required field', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      delete p.basic.types.resident;
      delete p.critical_illness.types.resident.annual_cap;
    });
    expect(issues.map((i) => [i.path, i.message])).toEqual([['$.critical_illness.types.resident.annual_cap', 'expected an amount in yuan, at least 0 with at most 2 decimals (found nothing)']]);
    const second = issuesOf('zibo-2023', (p) => delete p.basic.types.resident);
    expect(second[0]).toMatchObject({ code: 'policy.type_missing', path: '$.basic.types', message: expect.stringContaining('"resident"') });
  });
  it('several problems are reported together', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      p.basic.types.resident.ratio.tertiary = '0.655.1';
      p.basic.types.employee.annual_cap = -5;
      p.medical_assistance.layers[0].classes.extreme_poverty.ratio = 2;
    });
    expect(issues.map((i) => i.path)).toEqual([
      '$.basic.types.employee.annual_cap',
      '$.basic.types.resident.ratio.tertiary',
      '$.medical_assistance.layers[0].classes.extreme_poverty.ratio',
    ]);
  });
  it('unknown fields (typos) and unknown methods', () => {
    expect(issuesOf('zibo-2023', (p) => (p.basic.types.resident.anual_cap = 1))[0]).toMatchObject({ path: '$.basic.types.resident', message: expect.stringContaining('anual_cap') });
    expect(issuesOf('zibo-2023', (p) => (p.payment_methods[0].method = 'capitation'))[0]).toMatchObject({ path: '$.payment_methods[0].method', message: expect.stringContaining('method must be one of fee_for_service, single_disease, bed_day, per_visit, day_treatment') });
  });
  it('names that must be declared: person classes, insured types', () => {
    expect(issuesOf('zibo-2023', (p) => (p.medical_assistance.layers[1].classes.orphan = { deductible: 0, ratio: 0.5, annual_cap: 1 }))[0]).toMatchObject({
      code: 'policy.unknown_name',
      path: '$.medical_assistance.layers[1].classes.orphan',
    });
    expect(issuesOf('zibo-2023', (p) => (p.critical_illness.types.farmer = p.critical_illness.types.resident))[0]).toMatchObject({ code: 'policy.unknown_name', path: '$.critical_illness.types.farmer' });
  });
  it('duplicate ids and orders', () => {
    const issues = issuesOf('zibo-2023', (p) => {
      p.medical_assistance.layers[1].id = 'assistance';
      p.medical_assistance.layers[1].order = 1;
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['policy.duplicate', '$.medical_assistance.layers[1].id'],
      ['policy.duplicate', '$.medical_assistance.layers[1].order'],
    ]);
  });
  it('bed-day phases must start on day 1 and follow each other', () => {
    const issues = issuesOf('changchun-2023', (p) => {
      p.payment_methods[0].phases[1].from_day = 50;
    });
    expect(issues[0]).toMatchObject({ code: 'policy.band_overlap', path: '$.payment_methods[0].phases[1].from_day', message: 'phase 1 (from day 50) overlaps phase 0 (to day 60)' });
    expect(issuesOf('changchun-2023', (p) => (p.payment_methods[0].phases[0].from_day = 2))[0]).toMatchObject({ code: 'policy.band_start', message: 'the first phase must start at day 1 (found day 2)' });
    expect(issuesOf('changchun-2023', (p) => (p.payment_methods[0].phases[1].from_day = 63))[0]).toMatchObject({ code: 'policy.band_gap', path: '$.payment_methods[0].phases[1].from_day' });
    expect(issuesOf('changchun-2023', (p) => (p.payment_methods[0].phases[1].to_day = 90))[0]).toMatchObject({ code: 'policy.band_open', path: '$.payment_methods[0].phases[1].to_day' });
  });
  it('a method rule without conditions where it needs them', () => {
    expect(issuesOf('changchun-2023', (p) => (p.payment_methods[0].when = {}))[0]).toMatchObject({ path: '$.payment_methods[0].when', message: 'must name at least one of groups, diagnoses, departments, flags' });
  });
  it('ratios with too many decimals, amounts with more than 2', () => {
    expect(issuesOf('zibo-2023', (p) => (p.basic.types.resident.ratio.primary = '0.1234567'))[0]).toMatchObject({ message: 'a ratio has at most 6 decimal places (found 0.1234567)' });
    expect(issuesOf('zibo-2023', (p) => (p.basic.types.resident.annual_cap = 150000.001))[0]).toMatchObject({ path: '$.basic.types.resident.annual_cap' });
  });
});

describe('policy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drg-policy-'));
  it('a missing file', () => {
    expect(() => loadPolicy(join(dir, 'nope.json'), 'nope.json')).toThrow('nope.json: no such file');
  });
  it('a file that is not JSON', () => {
    writeFileSync(join(dir, 'bad.json'), '{ "id": "x", }');
    expect(() => loadPolicy(join(dir, 'bad.json'), 'bad.json')).toThrow(/bad\.json: not valid JSON/);
  });
  it('amounts may be JSON numbers or strings, ratios too, with the same exact value', () => {
    const json = policyJson('zibo-2023');
    json['basic'].types.resident.ratio.tertiary = '0.65';
    json['basic'].types.resident.deductible.tertiary = '1000.00';
    const p = parsePolicy(json);
    expect(p.source.basic.types['resident']!.ratio['tertiary']!.num).toBe(65);
    expect(p.source.basic.types['resident']!.deductible['tertiary']).toBe(100000);
  });
});
