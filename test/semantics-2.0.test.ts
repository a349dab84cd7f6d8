/**
 * The CHS-DRG 2.0 rules of the scheme README (patient-information check, code
 * checks, MDC selection with final principal MDCs, ambiguous QY groups), with
 * hand-made cases on test/fixtures/mini-scheme-2.0; and 1.x behaviour left as
 * it was by the same engine.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, groupCase, whatIf, type GroupInput } from '../groupers/chs-drg/index.js';
import { MINI, ROOT, mini, scheme } from './helpers.js';

const MINI2 = join(ROOT, 'test/fixtures/mini-scheme-2.0');
const s = scheme(MINI2);
const g = (c: GroupInput) => groupCase(s, c);

interface Row {
  readonly description: string;
  readonly input: GroupInput;
  readonly status: string;
  readonly drg: string;
  readonly mdc?: string | null;
  readonly reasons?: readonly string[];
}

const run = (rows: readonly Row[]) =>
  it.each(rows)('$description', ({ input, status, drg, mdc, reasons }) => {
    const r = g(input);
    expect([r.status, r.drg]).toEqual([status, drg]);
    if (mdc !== undefined) expect(r.mdc).toBe(mdc);
    if (reasons !== undefined) expect(r.reasons.map((n) => n.code)).toEqual(reasons);
  });

describe('2.0 rule 1: patient-information check', () => {
  run([
    { description: 'a complete case is grouped', input: mini({}), status: 'grouped', drg: 'GZ15' },
    { description: 'sex may be missing', input: mini({ sex: null }), status: 'grouped', drg: 'GZ15' },
    { description: 'sex given and not 1 or 2 is invalid', input: mini({ sex: 9 }), status: 'invalid', drg: '0000', reasons: ['sex.invalid'] },
    { description: 'a negative age is invalid', input: mini({ age: -1 }), status: 'invalid', drg: '0000', reasons: ['age.negative'] },
    { description: 'a negative LOS is invalid', input: mini({ los: -2 }), status: 'invalid', drg: '0000', reasons: ['los.negative'] },
    { description: 'a birth weight under 1 g is invalid', input: mini({ age: 0, age_days: 3, birth_weight: 0 }), status: 'invalid', drg: '0000', reasons: ['birth_weight.invalid'] },
    { description: 'age_days with an age other than 0 is invalid', input: mini({ age: 40, age_days: 14600 }), status: 'invalid', drg: '0000', reasons: ['age_days.unexpected'] },
    { description: 'age_days with a missing age counts as age 0 (newborn MDCP)', input: mini({ age: null, age_days: 3, diagnoses: ['K35.900', 'P22.000'] }), status: 'grouped', drg: 'PU19' },
    { description: 'a missing age is not invalid under 2.0', input: mini({ age: null }), status: 'grouped', drg: 'GZ15' },
  ]);
});

describe('2.0 rule 2: code checks', () => {
  run([
    { description: 'no diagnosis is ungroupable (not invalid)', input: mini({ diagnoses: [] }), status: 'ungroupable', drg: '0000', reasons: ['diagnoses.empty'] },
    { description: 'a gray principal diagnosis is ungroupable', input: mini({ diagnoses: ['K35.800'] }), status: 'ungroupable', drg: '0000', reasons: ['principal_dx.gray'] },
    { description: 'a principal diagnosis not allowed as principal is ungroupable', input: mini({ diagnoses: ['R10.400'] }), status: 'ungroupable', drg: '0000', reasons: ['principal_dx.not_principal'] },
    { description: 'a gray principal procedure is ungroupable', input: mini({ procedures: ['47.0900'] }), status: 'ungroupable', drg: '0000', reasons: ['principal_px.gray'] },
    { description: '99.1000 is gray but accepted as principal (then ambiguous: a medical ADRG)', input: mini({ procedures: ['99.1000'] }), status: 'ambiguous', drg: 'GQY' },
    { description: 'a gray code as secondary procedure is fine', input: mini({ procedures: ['47.0901', '47.0900'] }), status: 'grouped', drg: 'GE19' },
  ]);

  it('a principal procedure not allowed as principal empties its slot, keeping the others in place', () => {
    // 88.0101 may not be principal: the slot is emptied, so the medical ADRG is not ambiguous;
    // 54.1100 stays at position 2, where `other_px_in` still sees it.
    const r = g(mini({ procedures: ['88.0101', '54.1100'] }));
    expect(r).toMatchObject({ status: 'grouped', drg: 'GZ15' });
    expect(r.warnings.map((w) => w.code)).toEqual(['principal_px.emptied']);
    expect(r.warnings[0]!.message).toContain('88.0101');
    // has_px still sees the secondary procedure.
    expect(g(mini({ diagnoses: ['N40.x00'], procedures: ['88.0101', '60.2900'] }))).toMatchObject({ status: 'grouped', drg: 'MR19' });
    // …and nothing when the emptied principal was the only procedure.
    expect(g(mini({ diagnoses: ['N40.x00'], procedures: ['88.0101'] }))).toMatchObject({ status: 'ungroupable', mdc: 'MDCM' });
  });
});

describe('2.0 rule 3: pre MDCs fall through, the first principal MDC is final', () => {
  run([
    { description: 'MDCA is entered by every case; no rule matches, so the case goes on', input: mini({}), status: 'grouped', drg: 'GZ15', mdc: 'MDCG' },
    { description: 'MDCA: ventilation ≥ 96 h with a tracheostomy', input: mini({ procedures: ['31.1x00', '96.7200'] }), status: 'grouped', drg: 'AH19', mdc: 'MDCA' },
    { description: 'MDCA: ventilation ≥ 96 h with respiratory failure as secondary', input: mini({ diagnoses: ['K35.900', 'J96.000'], procedures: ['96.7200'] }), status: 'grouped', drg: 'AH19' },
    {
      description: 'a pre MDC entered without a matching rule passes the case on (MDCZ: 2 injury regions, no injury principal)',
      input: mini({ diagnoses: ['K35.900', 'S06.000', 'S72.000'] }),
      status: 'grouped',
      drg: 'GZ15',
      mdc: 'MDCG',
    },
    { description: 'multiple trauma with an injury principal: ZZ1', input: mini({ diagnoses: ['S42.000', 'S72.000'] }), status: 'grouped', drg: 'ZZ19' },
    {
      description: 'the principal MDC is final: MDCG entered, no rule matches → ungroupable with MDCG',
      input: mini({ diagnoses: ['K35.900'], procedures: ['60.2900'], los: 3 }),
      status: 'ambiguous',
      drg: 'GQY',
    },
    { description: 'a male MDC admits a missing sex (not sex == 2)', input: mini({ sex: null, diagnoses: ['N40.x00'], procedures: ['60.2900'] }), status: 'grouped', drg: 'MR19' },
    { description: 'a woman does not enter the male MDC: ungroupable, no MDC', input: mini({ sex: 2, diagnoses: ['N40.x00'] }), status: 'ungroupable', drg: '0000', mdc: null },
    {
      description: 'a man without procedure enters MDCM, whose only rule needs one: final, ungroupable with MDCM',
      input: mini({ diagnoses: ['N40.x00'] }),
      status: 'ungroupable',
      drg: '0000',
      mdc: 'MDCM',
      reasons: ['adrg.none'],
    },
  ]);
});

describe('2.0 rule 4: ambiguous groups', () => {
  it('a medical ADRG matched with a principal procedure gives <letter>QY, without split', () => {
    const r = g(mini({ diagnoses: ['K35.900', 'J18.900'], procedures: ['60.2900'] }));
    expect(r).toMatchObject({ status: 'ambiguous', mdc: 'MDCG', adrg: 'GQY', drg: 'GQY', drgName: '与主要诊断无关的手术', ccLevel: 'none', ccDx: null });
    expect(explain(s, mini({ diagnoses: ['K35.900'], procedures: ['60.2900'] })).text).toContain('ADRG GZ1 is medical but the case has principal procedure 60.2900 其他经尿道前列腺切除术: ambiguous group GQY');
  });
  it('names an unknown principal procedure in the trace by its spelling', () => {
    const r = explain(s, mini({ diagnoses: ['K35.900'], procedures: ['12.3456x999'] }));
    expect(r.result.status).toBe('ambiguous');
    expect(r.text).toContain('principal procedure 12.3456x999: ambiguous group GQY');
  });

  it('flows through what-if', () => {
    const w = whatIf(s, mini({ diagnoses: ['K35.900'], procedures: ['60.2900', '47.0901'] }));
    expect(w.base.status).toBe('ambiguous');
    expect(w.principalProcedure.map((a) => [a.code, a.result.status, a.result.drg, a.changed])).toEqual([
      ['60.2900', 'ambiguous', 'GQY', false],
      ['47.0901', 'grouped', 'GE19', true],
    ]);
  });
});

describe('2.0 rule 5: splits and CC/MCC as in 1.x', () => {
  run([
    { description: 'MCC', input: mini({ diagnoses: ['K35.900', 'J18.900'] }), status: 'grouped', drg: 'GZ11' },
    { description: 'a CC excluded by the principal table', input: mini({ diagnoses: ['K35.900', 'E11.900'] }), status: 'grouped', drg: 'GZ15' },
    { description: 'a CC not excluded', input: mini({ diagnoses: ['K65.000', 'E11.900'] }), status: 'grouped', drg: 'GZ13' },
  ]);
});

describe('one engine: the 1.x fixture is unchanged by the 2.0 code paths', () => {
  it('1.x: sex missing is invalid, a principal MDC without a rule passes the case on', () => {
    const one = scheme(MINI);
    expect(groupCase(one, mini({ sex: null })).reasons.map((n) => n.code)).toEqual(['sex.missing']);
    expect(groupCase(one, mini({ procedures: ['47.0901'] })).drg).toBe('GD15');
    expect(groupCase(one, mini({ diagnoses: ['K35.900'], procedures: ['60.2900'] })).status).toBe('grouped');
  });
});
