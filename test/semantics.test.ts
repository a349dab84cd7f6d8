/**
 * Each numbered rule of the scheme README (CHS-DRG 1.x semantics), with small
 * hand-made cases on the mini scheme in test/fixtures/mini-scheme.
 */
import { describe, expect, it } from 'vitest';
import { groupCase, type GroupInput } from '../groupers/chs-drg/index.js';
import { MINI, mini, scheme } from './helpers.js';

const s = scheme(MINI);
const group = (c: GroupInput) => groupCase(s, c);

interface Row {
  readonly description: string;
  readonly input: GroupInput;
  readonly status: string;
  readonly drg: string;
  readonly reasons?: readonly string[];
}

const run = (rows: readonly Row[]) =>
  it.each(rows)('$description', ({ input, status, drg, reasons }) => {
    const r = group(input);
    expect([r.status, r.drg]).toEqual([status, drg]);
    if (reasons !== undefined) expect(r.reasons.map((n) => n.code)).toEqual(reasons);
  });

describe('rule 1: validation before grouping', () => {
  run([
    { description: 'a complete adult case is grouped', input: mini({}), status: 'grouped', drg: 'GZ15' },
    { description: 'sex 9 is invalid', input: mini({ sex: 9 }), status: 'invalid', drg: '0000', reasons: ['sex.invalid'] },
    { description: 'sex 0 is invalid', input: mini({ sex: 0 }), status: 'invalid', drg: '0000', reasons: ['sex.invalid'] },
    { description: 'missing sex is invalid', input: mini({ sex: null }), status: 'invalid', drg: '0000', reasons: ['sex.missing'] },
    { description: 'missing age is invalid', input: mini({ age: null }), status: 'invalid', drg: '0000', reasons: ['age.missing'] },
    { description: 'no diagnosis is invalid', input: mini({ diagnoses: [] }), status: 'invalid', drg: '0000', reasons: ['diagnoses.empty'] },
    { description: 'only empty diagnosis items count as no diagnosis', input: mini({ diagnoses: ['', '  '] }), status: 'invalid', drg: '0000', reasons: ['diagnoses.empty'] },
    { description: 'age 0 without age_days is invalid', input: mini({ age: 0, diagnoses: ['P22.000'] }), status: 'invalid', drg: '0000', reasons: ['age_days.missing'] },
    {
      description: 'age 0, age_days 28, no birth weight is invalid',
      input: mini({ age: 0, age_days: 28, diagnoses: ['P22.000'] }),
      status: 'invalid',
      drg: '0000',
      reasons: ['birth_weight.missing'],
    },
    { description: 'age 0, age_days 29, no birth weight is valid', input: mini({ age: 0, age_days: 29, diagnoses: ['K35.900'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'several problems are all reported', input: mini({ sex: 3, age: null, diagnoses: [] }), status: 'invalid', drg: '0000', reasons: ['sex.invalid', 'age.missing', 'diagnoses.empty'] },
  ]);
});

describe('rule 2: MDCs in eval order; an entered MDC without a matching rule passes the case on', () => {
  run([
    {
      description: 'an OR principal procedure enters MDCA; no MDCA rule matches, so MDCG groups it',
      input: mini({ diagnoses: ['K35.900'], procedures: ['47.0901'] }),
      status: 'grouped',
      drg: 'GD15',
    },
    { description: 'a heart transplant is grouped in MDCA', input: mini({ diagnoses: ['K35.900'], procedures: ['37.5100'] }), status: 'grouped', drg: 'AA19' },
    {
      description: 'a man with prostate disease and no procedure enters MDCM, matches nothing there or later: ungroupable',
      input: mini({ diagnoses: ['N40.x00'] }),
      status: 'ungroupable',
      drg: '0000',
      reasons: ['mdc.none'],
    },
    { description: 'a woman does not enter MDCM (sex == 1): ungroupable', input: mini({ sex: 2, diagnoses: ['N40.x00'] }), status: 'ungroupable', drg: '0000' },
    { description: 'a principal diagnosis in no MDC list is ungroupable', input: mini({ diagnoses: ['J18.900'] }), status: 'ungroupable', drg: '0000' },
    {
      description: 'a newborn older than 28 days enters MDCP, matches no rule, and nothing else takes P07.100',
      input: mini({ age: 0, age_days: 40, birth_weight: 1200, diagnoses: ['P07.100'] }),
      status: 'ungroupable',
      drg: '0000',
    },
    { description: 'MDCP: birth weight under 1500 g', input: mini({ age: 0, age_days: 5, birth_weight: 1200, diagnoses: ['P07.100'] }), status: 'grouped', drg: 'PS19' },
    { description: 'MDCP: birth weight 1500 g or more falls to the next rule', input: mini({ age: 0, age_days: 5, birth_weight: 2000, diagnoses: ['P07.100'] }), status: 'grouped', drg: 'PU19' },
    { description: 'rules are tried in order_in_mdc, not file order (GD1 before GB1)', input: mini({ procedures: ['47.0100'] }), status: 'grouped', drg: 'GD15' },
  ]);
});

describe('rule 3: splits in order, first true wins; a rule without splits gives its fallback code', () => {
  run([
    { description: 'MCC split first', input: mini({ diagnoses: ['K35.900', 'J18.900'] }), status: 'grouped', drg: 'GZ11' },
    { description: 'CC split when only a CC qualifies', input: mini({ diagnoses: ['K35.300', 'E11.900'] }), status: 'grouped', drg: 'GZ13' },
    { description: 'ALWAYS split otherwise', input: mini({ diagnoses: ['K35.300'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'a rule with no split rows groups to its fallback code', input: mini({ diagnoses: ['K35.900'], procedures: ['51.2200'] }), status: 'grouped', drg: 'GF1' },
    { description: 'a later rule of the same MDC (los > 60 fails GZ1)', input: mini({ los: 61 }), status: 'grouped', drg: 'GZ29' },
  ]);
  it('reports the complication level and the secondary diagnosis that supplied it', () => {
    expect(group(mini({ diagnoses: ['K35.900', 'E11.900', 'J18.900'] }))).toMatchObject({ drg: 'GZ11', ccLevel: 'MCC', ccDx: 'J18.900' });
    expect(group(mini({ diagnoses: ['K35.300', 'I10.x05'] }))).toMatchObject({ drg: 'GZ13', ccLevel: 'CC', ccDx: 'I10.x05' });
    expect(group(mini({ diagnoses: ['K35.300'] }))).toMatchObject({ drg: 'GZ15', ccLevel: 'none', ccDx: null });
  });
  it('an MCC satisfies an MCC_OR_CC split when the ADRG has no MCC split, and is reported as MCC', () => {
    // HZ1 splits only into HZ13 (MCC_OR_CC) and HZ15.
    expect(group(mini({ diagnoses: ['K80.100', 'J18.900'] }))).toMatchObject({ drg: 'HZ13', ccLevel: 'MCC', ccDx: 'J18.900' });
    expect(group(mini({ diagnoses: ['K80.100', 'E11.900'] }))).toMatchObject({ drg: 'HZ13', ccLevel: 'CC', ccDx: 'E11.900' });
  });
});

describe('rule 4: CC/MCC from secondary diagnoses, minus the principal exclusion table', () => {
  run([
    { description: 'an MCC in the principal table is excluded (K65.000 table 112 under K35.300)', input: mini({ diagnoses: ['K35.300', 'K65.000'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'the same MCC counts under another principal (K35.900, table 46)', input: mini({ diagnoses: ['K35.900', 'K65.000'] }), status: 'grouped', drg: 'GZ11' },
    { description: 'a CC in the principal table is excluded (E11.900 table 46 under K35.900)', input: mini({ diagnoses: ['K35.900', 'E11.900'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'table 999 is an ordinary value (I10.x05 excluded under R10.400)', input: mini({ diagnoses: ['R10.400', 'I10.x05'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'a principal without an exclusion row excludes nothing', input: mini({ diagnoses: ['K80.100', 'E11.900'] }), status: 'grouped', drg: 'HZ13' },
    { description: 'the principal itself never counts as MCC', input: mini({ diagnoses: ['K65.000'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'an MCC principal with an MCC secondary counts the secondary', input: mini({ diagnoses: ['K65.000', 'J18.900'] }), status: 'grouped', drg: 'GZ11' },
    { description: 'the first qualifying secondary is taken after an excluded one', input: mini({ diagnoses: ['K35.300', 'K65.000', 'I10.x05'] }), status: 'grouped', drg: 'GZ13' },
  ]);
});

describe('rule 5: px_group_present, a code with two tags counting with its first', () => {
  run([
    { description: 'tag 1 alone matches', input: mini({ diagnoses: ['N40.x00'], procedures: ['60.2900'] }), status: 'grouped', drg: 'MA19' },
    { description: 'tags 2 and 3 together match', input: mini({ diagnoses: ['N40.x00'], procedures: ['60.2100', '54.1100'] }), status: 'grouped', drg: 'MA19' },
    { description: 'tags in any position count', input: mini({ diagnoses: ['N40.x00'], procedures: ['54.1100', '60.2100'] }), status: 'grouped', drg: 'MA19' },
    {
      description: '60.2100 is listed with tags 2 and 3; it counts only as 2, so alone it does not match',
      input: mini({ diagnoses: ['N40.x00'], procedures: ['60.2100'] }),
      status: 'ungroupable',
      drg: '0000',
    },
  ]);
});

describe('rule 6: mdcz_multi_trauma needs two distinct body regions', () => {
  run([
    { description: 'head and arm injuries: MDCZ', input: mini({ diagnoses: ['S06.000', 'S42.000'] }), status: 'grouped', drg: 'ZZ19' },
    { description: 'a secondary region counts, whatever the position', input: mini({ diagnoses: ['S72.000', 'K35.900', 'S42.000'] }), status: 'grouped', drg: 'ZZ19' },
    { description: 'the same region twice is one region: not MDCZ', input: mini({ diagnoses: ['S06.000', 'S06.000'] }), status: 'ungroupable', drg: '0000' },
    { description: 'a single injury is not MDCZ', input: mini({ diagnoses: ['S42.000', 'K35.900'] }), status: 'ungroupable', drg: '0000' },
  ]);
});

describe('codes', () => {
  it('matches codes trimmed and case-insensitively, reporting the canonical spelling', () => {
    const r = group(mini({ diagnoses: [' k35.900 ', 'j18.900'], procedures: ['47.0901 '] }));
    expect(r).toMatchObject({ status: 'grouped', drg: 'GD11', ccDx: 'J18.900' });
    expect(group(mini({ diagnoses: ['K35.300', 'i10.X05'] }))).toMatchObject({ drg: 'GZ13', ccDx: 'I10.x05' });
  });
  it('ignores empty list items', () => {
    expect(group(mini({ diagnoses: ['', 'K35.900', ' ', 'J18.900'] }))).toMatchObject({ drg: 'GZ11', ccDx: 'J18.900' });
  });
  it('reports unknown codes as warnings and still counts them', () => {
    const r = group(mini({ diagnoses: ['K35.900', 'Z99.999'], procedures: ['99.9999'] }));
    expect(r.status).toBe('grouped');
    expect(r.warnings.map((w) => w.code)).toEqual(['dx.unknown', 'px.unknown']);
    expect(r.warnings[0]!.message).toContain('Z99.999');
    // An unknown procedure is still a procedure: MDCA is not entered (not OR), GF1 needs OR: medical path.
    expect(r.drg).toBe('GZ15');
  });
  it('an unknown principal diagnosis makes the case ungroupable, with a warning', () => {
    const r = group(mini({ diagnoses: ['Q99.999'] }));
    expect(r).toMatchObject({ status: 'ungroupable', drg: '0000' });
    expect(r.warnings.map((w) => w.code)).toEqual(['dx.unknown']);
  });
  it('translates old codes only when asked, and reports each translation', () => {
    const input = mini({ diagnoses: ['K35.902', 'J18.900'], procedures: ['47.0900'] });
    expect(groupCase(s, input).status).toBe('ungroupable');
    const r = groupCase(s, input, { translate: true });
    expect(r).toMatchObject({ status: 'grouped', drg: 'GD11' });
    expect(r.translations).toEqual([
      { field: 'diagnoses', position: 1, from: 'K35.902', to: 'K35.300' },
      { field: 'procedures', position: 1, from: '47.0900', to: '47.0901' },
    ]);
    // Identity rows of a map are not translations.
    expect(groupCase(s, mini({ diagnoses: ['K35.300'] }), { translate: true }).translations).toEqual([]);
  });
});
