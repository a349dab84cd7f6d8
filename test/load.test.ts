/**
 * Scheme loading: every package of ../shared with chs-drg semantics loads;
 * broken packages fail with errors that name file, line and column.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupCase, loadSchemeSync } from '../groupers/chs-drg/index.js';
import { DataError, type DataIssue } from '../src/errors.js';
import { MINI, miniCopy, requireShared, scheme } from './helpers.js';

describe('the shared packages', () => {
  it.each(['chs-drg-1.1', 'chs-drg-1.0', 'qingdao-2023', 'chs-drg-2.0'])('%s loads and compiles', (name) => {
    requireShared();
    const s = scheme(name);
    expect(s.mdcs).toHaveLength(26);
    expect(s.mdcs.map((m) => m.mdc).slice(0, 4)).toEqual(['MDCA', 'MDCP', 'MDCY', 'MDCZ']);
    expect(s.drgs.size).toBeGreaterThan(600);
  });

  it('counts the rules and DRGs of the manifest', () => {
    const rules = (n: string) => scheme(n).mdcs.reduce((a, m) => a + m.rules.length, 0);
    expect(rules('chs-drg-1.1')).toBe(376);
    expect(rules('chs-drg-1.0')).toBe(377);
    expect(rules('qingdao-2023')).toBe(376);
    expect(rules('chs-drg-2.0')).toBe(409);
  });

  it('keeps several schemes side by side in one process', () => {
    // An eye disease with an MCC: national 1.1 does not split CZ1 (CZ19), Qingdao does (CZ11).
    const c = { id: 'x', sex: 2, age: 45, age_days: 16734, diagnoses: ['H35.702', 'M16.501', 'D48.200x027', 'F06.800x046', 'S27.710'], procedures: [] };
    const national = scheme('chs-drg-1.1');
    const qingdao = scheme('qingdao-2023');
    expect(groupCase(national, c)).toMatchObject({ drg: 'CZ19', ccLevel: 'none' });
    expect(groupCase(qingdao, c)).toMatchObject({ drg: 'CZ11', ccLevel: 'MCC' });
    // Interleaved calls do not disturb each other.
    expect(groupCase(national, c).drg).toBe('CZ19');
  });
});

/** Load a broken copy of the mini scheme and return the issues. */
function issuesOf(mutate: (dir: string) => void): DataIssue[] {
  const dir = miniCopy();
  try {
    mutate(dir);
    loadSchemeSync(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return [...(err as DataError).issues];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error('the broken package loaded without error');
}

const edit = (dir: string, file: string, from: string | RegExp, to: string) => {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply to ${file}`);
  writeFileSync(p, next);
};

describe('broken packages', () => {
  it('the fixture itself loads cleanly', () => {
    expect(loadSchemeSync(MINI).warnings).toEqual([]);
  });

  it('a folder that does not exist', () => {
    expect(() => loadSchemeSync('/no/such/scheme-folder')).toThrow(/\/no\/such\/scheme-folder: scheme folder cannot be read: ENOENT/);
  });

  it('a file instead of a folder', () => {
    expect(() => loadSchemeSync(join(MINI, 'mdc.csv'))).toThrow(/not a folder/);
  });

  it('a folder without manifest.json', () => {
    const issues = issuesOf((d) => rmSync(join(d, 'manifest.json')));
    expect(issues[0]).toMatchObject({ code: 'manifest.unreadable' });
    expect(issues[0]!.message).toContain('manifest.json is missing');
  });

  it('a manifest with an unknown semantics names the JSON path', () => {
    const issues = issuesOf((d) => edit(d, 'manifest.json', '"chs-drg-1"', '"chs-drg-9"'));
    expect(issues[0]).toMatchObject({ code: 'manifest.invalid', path: '$.semantics' });
  });

  it('a wrong header names the missing and the unknown column', () => {
    const issues = issuesOf((d) => edit(d, 'adrg.csv', 'order_in_mdc', 'order_in_mcd'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'header.missing', file: expect.stringMatching(/adrg\.csv$/), line: 1, column: 'order_in_mdc' }));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'header.unknown', line: 1, column: 'order_in_mcd' }));
  });

  it('a bad cell names file, line, column and value', () => {
    const issues = issuesOf((d) => edit(d, 'adrg.csv', 'GZ1,GZ1,MDCG,4,medical', 'GZ1,GZ1,MDCG,four,medical'));
    expect(issues).toEqual([expect.objectContaining({ code: 'cell.invalid', line: 10, column: 'order_in_mdc', value: 'four' })]);
    expect(issues[0]!.message).toContain('expected an integer');
  });

  it('a bad code is rejected by the code pattern', () => {
    const issues = issuesOf((d) => edit(d, 'cc.csv', 'E11.900,46', 'e11 900,46'));
    expect(issues[0]).toMatchObject({ code: 'cell.invalid', line: 2, column: 'dx_code' });
    expect(issues[0]!.message).toContain('not a diagnosis code');
  });

  it('predicate JSON that does not parse', () => {
    const issues = issuesOf((d) => edit(d, 'mdc.csv', '"{""main_dx_in"": ""mdc_dx""}",4', '"{""main_dx_in"": ""mdc_dx""",4'));
    expect(issues[0]).toMatchObject({ code: 'cell.invalid', line: 6, column: 'entry_condition_json' });
    expect(issues[0]!.message).toContain('not valid JSON');
  });

  it('a bad predicate names the JSON path inside the cell', () => {
    const issues = issuesOf((d) => edit(d, 'adrg.csv', '{""not"": {""cmp"": [""los"", "">"", 60]}}', '{""not"": {""cmp"": [""los"", ""~"", 60]}}'));
    expect(issues).toEqual([expect.objectContaining({ code: 'predicate.argument', line: 10, column: 'condition_json', path: '$.and[1].not.cmp[1]' })]);
  });

  it('an unknown list name in a list file', () => {
    const issues = issuesOf((d) => edit(d, 'adrg_dx.csv', 'PS1,adrg_dx,P07.100', 'PS1,adrg_dx3,P07.100'));
    expect(issues[0]).toMatchObject({ code: 'list.unknown', line: 2, column: 'list' });
  });

  it('an unknown list name in a predicate', () => {
    const issues = issuesOf((d) => edit(d, 'adrg.csv', '{""main_dx_in"": ""adrg_dx""}",3', '{""main_dx_in"": ""adrg_dx7""}",3'));
    expect(issues).toEqual([expect.objectContaining({ code: 'predicate.unknown-list', line: 5, column: 'condition_json', path: '$' })]);
    expect(issues[0]!.message).toContain('unknown list "adrg_dx7" in rule ZZ1');
  });

  it('a missing file', () => {
    const issues = issuesOf((d) => rmSync(join(d, 'drg.csv')));
    expect(issues[0]).toMatchObject({ code: 'file.missing', file: expect.stringMatching(/drg\.csv$/) });
  });

  it('a row count that disagrees with the manifest', () => {
    const issues = issuesOf((d) => edit(d, 'mcc.csv', 'K65.000,112\n', ''));
    expect(issues[0]).toMatchObject({ code: 'manifest.count' });
    expect(issues[0]!.message).toContain('manifest.json says 2 rows, the file has 1');
  });

  it('a row with too few fields', () => {
    const issues = issuesOf((d) => edit(d, 'cc.csv', 'E11.900,46', 'E11.900'));
    expect(issues[0]).toMatchObject({ code: 'row.width', line: 2 });
  });

  it('a rule naming an MDC that does not exist', () => {
    const issues = issuesOf((d) => edit(d, 'adrg.csv', 'HZ1,HZ1,MDCH', 'HZ1,HZ1,MDCQ'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'mdc.unknown', column: 'mdc', line: 13 }));
  });

  it('a split naming a rule that does not exist', () => {
    const issues = issuesOf((d) => edit(d, 'drg.csv', 'HZ15,HZ1,', 'HZ15,HZ9,'));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'rule.unknown', column: 'rule_id' }));
  });

  it('a code listed twice in a dictionary', () => {
    const issues = issuesOf((d) => {
      edit(d, 'icd10_dx_names.csv', 'J18.900,肺炎\n', 'J18.900,肺炎\nJ18.900,肺炎\n');
      edit(d, 'manifest.json', '"icd10_dx_names.csv": 15', '"icd10_dx_names.csv": 16');
    });
    expect(issues).toEqual([expect.objectContaining({ code: 'code.duplicate', line: 6, column: 'dx_code' })]);
  });

  it('an eval order that differs from the manifest', () => {
    const issues = issuesOf((d) => edit(d, 'manifest.json', '["MDCA", "MDCP"', '["MDCP", "MDCA"'));
    expect(issues[0]).toMatchObject({ code: 'manifest.mdc-order', path: '$.mdc_eval_order' });
  });

  it('the message of the thrown error names the first problem and counts the rest', () => {
    const dir = miniCopy();
    try {
      edit(dir, 'cc.csv', 'E11.900,46', 'E11.900');
      edit(dir, 'mcc.csv', 'J18.900,101', 'J18.900');
      expect(() => loadSchemeSync(dir)).toThrow(/cannot load scheme drg-mini-\w+: drg-mini-\w+\/cc\.csv, line 2: expected 2 fields, found 1 \(and 1 more problem\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
