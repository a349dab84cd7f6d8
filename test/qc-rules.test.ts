/**
 * One table row per quality-check rule: a case that passes, a case that
 * fails, and the exact finding (severity, field, value, message). A rule
 * added to the registry without a row here fails the last test.
 */
import { describe, expect, it } from 'vitest';
import { CaseDecoder } from '../src/case/decode.js';
import { checkCase, checkerFor, type Finding, qcConfig, QC_RULES, QcRowReader, type QcInput } from '../src/qc/index.js';
import { scheme } from './helpers.js';

/** A clean case under CHS-DRG 1.1 and 2.0: a man of 40 with appendicitis and a laparoscopic appendectomy. */
const BASE: QcInput = {
  id: 'T1',
  sex: 1,
  age: 40,
  age_days: null,
  birth_weight: null,
  los: 5,
  discharge: 1,
  diagnoses: ['K35.800x001'],
  procedures: ['47.0100'],
  vent_hours: null,
  total_cost: 1234500,
  out_of_scope: 0,
  pre_self_pay: 0,
  hospital_id: 'H1',
  hospital_level: 3,
  admit_date: '2024-03-01',
  discharge_date: '2024-03-06',
};

interface Row {
  readonly rule: string;
  readonly scheme?: 'chs-drg-1.1' | 'chs-drg-2.0';
  /** Changes to BASE that pass the rule (BASE itself when absent). */
  readonly pass?: Partial<QcInput>;
  readonly fail: Partial<QcInput>;
  /** The expected findings of the rule on the failing case: [severity, field, value, message]. */
  readonly want: readonly (readonly [string, string, string, string])[];
}

const NEWBORN: Partial<QcInput> = { age: 0, age_days: 3, birth_weight: 2300, diagnoses: ['P22.000'], procedures: [] };
const MOTHER: Partial<QcInput> = { sex: 2, age: 30, diagnoses: ['O80.000', 'Z37.000'], procedures: [], birth_weight: 3200 };

const TABLE: readonly Row[] = [
  { rule: 'required.id', fail: { id: '' }, want: [['error', 'id', '', 'the case id (setl_id / medcasno) is missing: fill in the settlement or case number']] },
  { rule: 'required.sex', fail: { sex: null }, want: [['error', 'sex', '', 'sex (gend) is missing: fill in 1 (male) or 2 (female)']] },
  { rule: 'required.age', fail: { age: null }, want: [['error', 'age', '', 'age is missing: fill in the age in whole years (0 under 1 year)']] },
  {
    rule: 'required.age_days',
    pass: { age: 0, age_days: 100 },
    fail: { age: 0, age_days: null },
    want: [['error', 'age_days', '', 'age is 0, so the age in days (nwb_age) is required: fill in the days of life at admission (0–365)']],
  },
  { rule: 'required.diagnoses', fail: { diagnoses: [' ', ''] }, want: [['error', 'diagnoses', '', 'no diagnosis is coded: code the principal diagnosis first, then the secondary ones']] },
  { rule: 'required.los', fail: { los: null }, want: [['error', 'los', '', 'length of stay (act_ipt_days) is missing: fill in the days from admission to discharge']] },
  { rule: 'required.discharge', fail: { discharge: undefined }, want: [['error', 'discharge', '', 'discharge type (dscg_way) is missing: fill in 1, 2, 3, 4, 5 or 9']] },
  {
    rule: 'required.total_cost',
    fail: { total_cost: null },
    want: [['warning', 'total_cost', '', 'total cost (medfee_sumamt) is missing: fill in the total inpatient cost in yuan, needed for payment']],
  },
  { rule: 'range.sex', pass: { sex: 2 }, fail: { sex: 9 }, want: [['error', 'sex', '9', 'sex is 9: it must be 1 (male) or 2 (female); 9 (unknown) cannot be grouped']] },
  {
    rule: 'range.age',
    pass: { age: 150 },
    fail: { age: 151 },
    want: [['error', 'age', '151', 'age is 151: it must be a whole number, from 0 to 150 years; for infants under 1 year give 0 and the age in days']],
  },
  {
    rule: 'range.age_days',
    pass: { age: 0, age_days: 365 },
    fail: { age: 0, age_days: 400 },
    want: [['error', 'age_days', '400', 'age_days is 400: it must be a whole number of days from 0 to 365; for patients of 1 year or more leave it empty and give the age in years']],
  },
  {
    rule: 'age_days.over_one_year',
    pass: { age: 0, age_days: 30 },
    fail: { age: 62, age_days: 22765 },
    want: [['warning', 'age_days', '22765', 'age_days is given (22765) while age is 62: the age in days is only for patients under 1 year; leave it empty']],
  },
  {
    rule: 'range.birth_weight',
    pass: { ...NEWBORN, birth_weight: 100 },
    fail: { ...NEWBORN, birth_weight: 99 },
    want: [['error', 'birth_weight', '99', 'birth_weight is 99: it must be from 100 to 9999 grams; check the unit (grams, not kilograms)']],
  },
  {
    rule: 'range.los',
    pass: { los: 0, admit_date: null, discharge_date: null },
    fail: { los: 2.5, admit_date: null, discharge_date: null },
    want: [['error', 'los', '2.5', 'los is 2.5: it must be a whole number, 0 days or more; count the days from admission to discharge']],
  },
  {
    rule: 'range.discharge',
    pass: { discharge: 9 },
    fail: { discharge: 7 },
    want: [['error', 'discharge', '7', 'discharge is 7: it must be one of 1 (ordered), 2 (transfer to hospital), 3 (transfer to community facility), 4 (against advice), 5 (death), 9 (other)']],
  },
  {
    rule: 'range.vent_hours',
    pass: { vent_hours: 0 },
    fail: { vent_hours: -2 },
    want: [['error', 'vent_hours', '-2', 'vent_hours is -2: it must be 0 hours or more; leave it empty when there was no invasive ventilation']],
  },
  {
    rule: 'dates.order',
    pass: { admit_date: '2024-03-06', discharge_date: '2024-03-06', los: 0 },
    fail: { admit_date: '2024-03-06', discharge_date: '2024-03-01' },
    want: [['error', 'discharge_date', '2024-03-01', 'discharge_date 2024-03-01 is before admit_date 2024-03-06: correct one of the dates']],
  },
  {
    rule: 'dates.los',
    pass: { admit_date: '2024-03-06', discharge_date: '2024-03-06', los: 1 },
    fail: { los: 7 },
    want: [['error', 'los', '7', 'los is 7 but the dates give 5 days (2024-03-01 to 2024-03-06): correct los or the dates']],
  },
  {
    rule: 'code.dx_unknown',
    pass: { diagnoses: ['k35.800X001', 'I10.x05'] },
    fail: { diagnoses: ['K35.800x001', 'A02.100x004', 'K99.999'] },
    want: [
      ['error', 'diagnoses', 'A02.100x004', 'diagnosis 2 A02.100x004 is not in the chs-drg-1.1 dictionary; it is an older code that the scheme maps to A02.100 沙门菌脓毒症: recode it as A02.100'],
      ['error', 'diagnoses', 'K99.999', 'diagnosis 3 K99.999 is not in the chs-drg-1.1 dictionary (ICD 10 医保版): correct the code'],
    ],
  },
  {
    rule: 'code.px_unknown',
    fail: { procedures: ['47.0199'] },
    want: [['error', 'procedures', '47.0199', 'the principal procedure 47.0199 is not in the chs-drg-1.1 dictionary (ICD 9-CM-3 医保版): correct the code']],
  },
  {
    rule: 'code.gray',
    scheme: 'chs-drg-2.0',
    pass: { procedures: ['99.1000'] },
    fail: { diagnoses: ['K35.800x001', 'A00.000'], procedures: ['00.0100'] },
    want: [
      ['error', 'diagnoses', 'A00.000', 'diagnosis 2 A00.000 霍乱，由于O1群霍乱弧菌，霍乱生物型所致 is a gray code, which may not be used: code the condition with a valid code of the insurance edition'],
      ['error', 'procedures', '00.0100', 'the principal procedure 00.0100 头和颈部血管治疗性超声 is a gray code, which may not be used: code the procedure with a valid code of the insurance edition'],
    ],
  },
  {
    rule: 'code.dx_duplicate',
    fail: { diagnoses: ['K35.800x001', 'I10.x05', 'k35.800X001'] },
    want: [['error', 'diagnoses', 'k35.800X001', 'diagnosis k35.800X001 is coded twice (positions 1 and 3): remove the repeat']],
  },
  {
    rule: 'code.px_duplicate',
    fail: { procedures: ['47.0100', '47.0100'] },
    want: [['warning', 'procedures', '47.0100', 'procedure 47.0100 is coded twice (positions 1 and 2): remove the repeat unless the procedure was performed twice']],
  },
  {
    rule: 'principal.external_cause',
    pass: { diagnoses: ['S72.000', 'W19.x00'] },
    fail: { diagnoses: ['W19.x00', 'S72.000'] },
    want: [['error', 'diagnoses', 'W19.x00', 'the principal diagnosis W19.x00 跌倒 is an external cause: code the injury or condition as principal and keep the external cause as a secondary diagnosis']],
  },
  {
    rule: 'principal.secondary_only',
    pass: { diagnoses: ['J18.900', 'B95.000'] },
    fail: { diagnoses: ['B95.000', 'J18.900'] },
    want: [['error', 'diagnoses', 'B95.000', 'the principal diagnosis B95.000 A族链球菌作为分类于其他章疾病的原因 may only be a secondary diagnosis: code the condition it qualifies as principal']],
  },
  {
    rule: 'principal.secondary_only',
    scheme: 'chs-drg-2.0',
    pass: { diagnoses: ['I21.900', 'I25.200'] },
    fail: { diagnoses: ['I25.200', 'I21.900'] },
    want: [['error', 'diagnoses', 'I25.200', 'the principal diagnosis I25.200 陈旧性心肌梗死 may only be a secondary diagnosis: code the condition it qualifies as principal']],
  },
  {
    rule: 'principal.symptom',
    pass: { diagnoses: ['R10.400', 'W19.x00', 'Z95.000'] },
    fail: { diagnoses: ['R10.400', 'K35.800x001'] },
    want: [['warning', 'diagnoses', 'R10.400', 'the principal diagnosis R10.400 腹痛，其他和未特指的 is a symptom while diagnosis 2 K35.800x001 急性阑尾炎 is definite: make the definite diagnosis principal if it explains the symptom']],
  },
  {
    rule: 'principal.px_secondary_only',
    scheme: 'chs-drg-2.0',
    pass: { procedures: ['47.0100', '00.0101'] },
    fail: { procedures: ['00.0101', '47.0100'] },
    want: [['warning', 'procedures', '00.0101', 'the principal procedure 00.0101 头部血管治疗性超声 may not be principal (the grouper leaves the slot empty): put the main operation first']],
  },
  {
    rule: 'sex.dx',
    pass: { sex: 1, diagnoses: ['N40.x00'] },
    fail: { sex: 2, diagnoses: ['K35.800x001', 'N40.x00'] },
    want: [['error', 'diagnoses', 'N40.x00', 'diagnosis 2 N40.x00 前列腺增生 is for male patients but sex is 2 (female): correct the sex or the code']],
  },
  {
    rule: 'sex.px',
    pass: { sex: 2, procedures: ['68.4900'], diagnoses: ['D25.900'] },
    fail: { sex: 1, procedures: ['68.4900'], diagnoses: ['D25.900'] },
    want: [['error', 'procedures', '68.4900', 'the principal procedure 68.4900 其他和未特指的腹式全子宫切除术 is for female patients but sex is 1 (male): correct the sex or the code']],
  },
  {
    rule: 'age.perinatal',
    pass: NEWBORN,
    fail: { age: 45, diagnoses: ['K35.800x001', 'P22.000'] },
    want: [['error', 'diagnoses', 'P22.000', 'diagnosis 2 P22.000 新生儿呼吸窘迫综合征 is a perinatal condition, for patients under 1 year, but age is 45: correct the age or the code']],
  },
  {
    rule: 'age.obstetric',
    pass: MOTHER,
    fail: { ...MOTHER, age: 65 },
    want: [['error', 'diagnoses', 'O80.000', 'the principal diagnosis O80.000 头位顺产 is obstetric, for women aged 10–60, but age is 65: correct the age or the code']],
  },
  {
    rule: 'newborn.birth_weight',
    pass: NEWBORN,
    fail: { ...NEWBORN, birth_weight: null },
    want: [['error', 'birth_weight', '', 'the patient is a newborn of 3 days (at most 28): the weight (nwb_bir_wt) is required, 100–9999 grams']],
  },
  {
    rule: 'delivery.birth_weight',
    pass: MOTHER,
    fail: { ...MOTHER, diagnoses: ['O34.201', 'Z37.000'], birth_weight: null },
    want: [['error', 'birth_weight', '', "diagnosis 2 Z37.000 单一活产 records a delivery: the newborn's birth weight (nwb_bir_wt, grams) is required"]],
  },
  {
    rule: 'vent.los',
    pass: { vent_hours: 144 },
    fail: { vent_hours: 145 },
    want: [['error', 'vent_hours', '145', 'vent_hours is 145 but a stay of 5 days allows at most 144 hours: correct the ventilation hours or los']],
  },
  {
    rule: 'cost.negative',
    fail: { out_of_scope: -100, cost_items: { cost_bed: -5 } },
    want: [
      ['error', 'out_of_scope', '-1.00', 'out_of_scope is -1.00 yuan: an amount cannot be negative'],
      ['error', 'cost_bed', '-0.05', 'cost_bed is -0.05 yuan: an amount cannot be negative'],
    ],
  },
  {
    rule: 'cost.shares',
    pass: { out_of_scope: 1000000, pre_self_pay: 234500 },
    fail: { out_of_scope: 1000000, pre_self_pay: 300000 },
    want: [['error', 'total_cost', '12345.00', 'out_of_scope 10000.00 + pre_self_pay 3000.00 = 13000.00 yuan exceeds total_cost 12345.00: the self-paid shares are part of the total']],
  },
  {
    rule: 'cost.itemised',
    pass: { cost_items: { cost_bed: 100000, cost_drug: 1134500, cost_lab: null } },
    fail: { cost_items: { cost_bed: 100000, cost_drug: 1000000 } },
    want: [['error', 'total_cost', '12345.00', 'the 2 itemised costs sum to 11000.00 yuan but total_cost is 12345.00 (difference 1345.00): correct the items or the total']],
  },
];

const config = qcConfig();
const check = (name: string, c: QcInput): readonly Finding[] => checkCase(c, scheme(name), config);

describe('quality-check rules', () => {
  it('the base case is clean under CHS-DRG 1.1 and 2.0', () => {
    expect(check('chs-drg-1.1', BASE)).toEqual([]);
    expect(check('chs-drg-2.0', BASE)).toEqual([]);
  });

  describe.each(TABLE.map((r) => [`${r.rule}${r.scheme ? ` (${r.scheme})` : ''}`, r] as const))('%s', (_name, row) => {
    const name = row.scheme ?? 'chs-drg-1.1';
    it('passes', () => {
      expect(check(name, { ...BASE, ...(row.pass ?? {}) }).filter((f) => f.rule === row.rule)).toEqual([]);
    });
    it('fails with the message', () => {
      const got = check(name, { ...BASE, ...row.fail }).filter((f) => f.rule === row.rule);
      expect(got).toEqual(row.want.map(([severity, field, value, message]) => ({ rule: row.rule, severity, field, value, message })));
    });
  });

  it('age_days.over_one_year is an error under CHS-DRG 2.0, whose grouper rejects such a case', () => {
    const got = check('chs-drg-2.0', { ...BASE, age: 62, age_days: 22765 }).filter((f) => f.rule === 'age_days.over_one_year');
    expect(got.map((f) => f.severity)).toEqual(['error']);
  });

  it('a man with an obstetric code is reported once, by sex.dx', () => {
    const got = check('chs-drg-1.1', { ...BASE, ...MOTHER, sex: 1 });
    expect(got.map((f) => f.rule)).toEqual(['sex.dx', 'sex.dx']);
  });

  it('a range rule also rejects a fractional value of a whole-number field', () => {
    expect(check('chs-drg-1.1', { ...BASE, age: 40.5 }).map((f) => f.rule)).toEqual(['range.age']);
  });

  it('reports unknown codes by their patterns (an unknown P code in an adult is perinatal too)', () => {
    const got = check('chs-drg-1.1', { ...BASE, diagnoses: ['K35.800x001', 'P22.999'] });
    expect(got.map((f) => f.rule)).toEqual(['code.dx_unknown', 'age.perinatal']);
  });

  describe('rules fed by the CSV reader', () => {
    const header = ['id', 'sex', 'age', 'los', 'discharge', 'diagnoses', 'total_cost', 'cost_bed', 'cost_drug'];
    const decoder = new CaseDecoder(header);
    const rows = new QcRowReader(checkerFor(scheme('chs-drg-1.1'), config), header);
    const read = (cells: string[]) => {
      const { case: c, problems } = decoder.decode(cells);
      return rows.check(7, cells, c, problems);
    };

    it('value.unreadable: passes readable values, reports the others once (rules on that field are skipped)', () => {
      expect(read(['A', '1', '40', '5', '1', 'K35.800x001', '12345.00', '1000.00', '11345.00'])).toEqual([]);
      expect(read(['A', '1', 'forty', '5', '1', 'K35.800x001', '12345.00', '1000.00', '11345.00'])).toEqual([
        { rule: 'value.unreadable', severity: 'error', field: 'age', value: 'forty', message: 'line 7: age "forty" is not a number: correct the value' },
      ]);
      expect(read(['A', '1', '40', '5', '1', 'K35.800x001', '12345.00', '10.001', '11345.00'])).toEqual([
        { rule: 'value.unreadable', severity: 'error', field: 'cost_bed', value: '10.001', message: 'line 7: cost_bed "10.001" is not an amount in yuan with at most two decimals: correct the value' },
      ]);
    });

    it('reads itemised cost columns (cost_*) for cost.itemised', () => {
      expect(read(['A', '1', '40', '5', '1', 'K35.800x001', '12345.00', '1000.00', '1000.00']).map((f) => f.rule)).toEqual(['cost.itemised']);
    });

    it('row.malformed: a record that is not a row is one finding naming the line', () => {
      expect(rows.malformed(9, 'A,1,"40', 'unclosed quote')).toEqual([{ rule: 'row.malformed', severity: 'error', field: 'row', value: 'A,1,"40', message: 'line 9: unclosed quote' }]);
    });
  });

  it('every registered rule has a row in the table', () => {
    const tested = new Set([...TABLE.map((r) => r.rule), 'value.unreadable', 'row.malformed']);
    expect(QC_RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});
