/**
 * The case model: the zod schema (parseCase), the fast CSV decoder, column
 * maps, and a differential test holding the decoder to the schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseDecoder, HeaderError, parseColumnMap, parseNumberCell } from '../src/case/decode.js';
import { CASE_FIELDS, DATE_TEXT, isRealDate, isRealDateAt, ListItems, parseCase, splitCodes } from '../src/case/schema.js';
import { amountOk, checkedFen } from '../src/jobs/group-fast.js';
import { formatYuan, parseYuan, roundFen } from '../src/money.js';

describe('parseCase (zod schema)', () => {
  it('accepts numbers as numbers or text, and empty as missing', () => {
    const r = parseCase({ id: ' A1 ', sex: '1', age: 45, age_days: '', birth_weight: null, diagnoses: 'K35.300| |K65.000', procedures: ['47.0901', ' '] });
    expect(r).toEqual({
      ok: true,
      case: expect.objectContaining({ id: 'A1', sex: 1, age: 45, age_days: null, birth_weight: null, diagnoses: ['K35.300', 'K65.000'], procedures: ['47.0901'], total_cost: null }),
    });
  });

  it('keeps money as integer fen, read through decimal text', () => {
    const r = parseCase({ id: 'A', total_cost: '12345.6', out_of_scope: 12.3, pre_self_pay: '0.05' });
    expect(r.ok && [r.case.total_cost, r.case.out_of_scope, r.case.pre_self_pay]).toEqual([1234560, 1230, 5]);
  });

  it('reports every bad field with a code and a message', () => {
    const r = parseCase({ id: '', sex: 'male', age: '4 5', total_cost: '1.234', admit_date: '2024-02-30', diagnoses: 7 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.code)).toEqual(['id.missing', 'sex.not_a_number', 'age.not_a_number', 'diagnoses.not_a_code_list', 'total_cost.not_an_amount', 'admit_date.not_a_date']);
      expect(r.problems[1]!.message).toBe('sex "male" is not a number');
    }
  });

  it('rejects exponents, hex and infinities as numbers', () => {
    for (const v of ['1e3', '0x10', 'Infinity', '--1', '.', '+']) expect(parseCase({ id: 'a', age: v }).ok).toBe(false);
    for (const v of ['1.', '.5', '+3', '-0', '007']) expect(parseCase({ id: 'a', age: v }).ok).toBe(true);
  });
});

describe('money', () => {
  it('parses yuan with at most two decimals to fen', () => {
    expect([parseYuan('0'), parseYuan('1.5'), parseYuan('-0.05'), parseYuan(' 200000.00 '), parseYuan('1,000'), parseYuan('1.005'), parseYuan('1e3')]).toEqual([0, 150, -5, 20000000, undefined, undefined, undefined]);
  });
  it('formats fen as yuan', () => {
    expect([formatYuan(0), formatYuan(5), formatYuan(-5), formatYuan(1234567)]).toEqual(['0.00', '0.05', '-0.05', '12345.67']);
  });
  it('rounds half up, away from zero, once', () => {
    expect([roundFen('0.5'), roundFen('-0.5'), roundFen('1.49'), roundFen('2884615.3846')]).toEqual([1, -1, 1, 2884615]);
  });
});

describe('isRealDate', () => {
  // The definition: YYYY-MM-DD, and a day the calendar has (Date.UTC rolls an impossible day into the next month).
  const reference = (t: string): boolean => {
    const m = DATE_TEXT.exec(t);
    if (m === null) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const at = new Date(Date.UTC(2000, mo - 1, d));
    at.setUTCFullYear(y);
    return mo >= 1 && mo <= 12 && d >= 1 && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
  };

  it('knows leap years and month lengths', () => {
    expect(['2024-02-29', '2000-02-29', '2023-12-31', '0001-01-01'].map(isRealDate)).toEqual([true, true, true, true]);
    expect(['2023-02-29', '1900-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00', '2023-1-01', ' 2023-01-01', '2023/01/01', '2023-01-01\n', '２023-01-01'].map(isRealDate)).toEqual(Array(11).fill(false));
  });

  it('agrees with the regex-and-calendar definition on any text, alone or inside a line', () => {
    const dateLike = fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 33 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    const text = fc.oneof(dateLike, fc.string({ maxLength: 12 }), dateLike.map((t) => t.replace(/\d/, (c) => (c === '0' ? 'O' : c))));
    fc.assert(
      fc.property(text, fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), (t, before, after) => {
        expect(isRealDate(t)).toBe(reference(t));
        expect(isRealDateAt(before + t + after, before.length, before.length + t.length)).toBe(reference(t));
      }),
      { numRuns: 5000, seed: 11 },
    );
  });
});

describe('splitCodes / parseNumberCell', () => {
  it('splits on |, trims items and drops empty ones', () => {
    expect(splitCodes('')).toEqual([]);
    expect(splitCodes(' K35.300 ||K65.000| ')).toEqual(['K35.300', 'K65.000']);
  });
  it('parses plain decimals only', () => {
    expect([parseNumberCell('12'), parseNumberCell('-1.5'), parseNumberCell('.5'), parseNumberCell('5.')]).toEqual([12, -1.5, 0.5, 5]);
    for (const bad of ['', 'a', '1e3', '1.2.3', '1 2', '+', '-']) expect(parseNumberCell(bad)).toBeNaN();
  });
});

describe('CaseDecoder', () => {
  const header = ['id', 'sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'diagnoses', 'procedures'];

  it('decodes a canonical row', () => {
    const d = new CaseDecoder(header);
    const { case: c, problems } = d.decode(['S1', '2', '0', '12', '2300', '5', '1', 'P07.100|P22.000', '']);
    expect(problems).toBeNull();
    expect(c).toMatchObject({ id: 'S1', sex: 2, age: 0, age_days: 12, birth_weight: 2300, los: 5, discharge: 1, diagnoses: ['P07.100', 'P22.000'], procedures: [] });
  });

  it('matches header names trimmed, case-insensitively, with a BOM', () => {
    const d = new CaseDecoder(['\uFEFFID', ' Sex ', 'AGE', 'Diagnoses', 'extra']);
    expect(d.fields).toEqual(['id', 'sex', 'age', 'diagnoses']);
    expect(d.ignored).toEqual(['extra']);
  });

  it('maps settlement-list names with the preset, summing out-of-scope amounts', () => {
    const d = new CaseDecoder(['setl_id', 'gend', 'age', 'nwb_age', 'dscg_way', 'diagnoses', 'medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay'], parseColumnMap('settlement-list'));
    const { case: c } = d.decode(['S9', '1', '0', '3', '5', 'P22.000', '1000.50', '100', '20.5']);
    expect(c).toMatchObject({ id: 'S9', sex: 1, age_days: 3, discharge: 5, total_cost: 100050, out_of_scope: 12050 });
  });

  it('maps custom names', () => {
    const d = new CaseDecoder(['case_no', 'gend', 'age', 'dx'], parseColumnMap('case_no=id,gend=sex,dx=diagnoses'));
    expect(d.decode(['7', '2', '30', 'K35.300']).case).toMatchObject({ id: '7', sex: 2, diagnoses: ['K35.300'] });
  });

  it('names every missing required column', () => {
    expect(() => new CaseDecoder(['id', 'gend', 'age', 'dx'])).toThrow(new HeaderError('missing required columns sex, diagnoses (header has: id, gend, age, dx; map other names with --columns, e.g. --columns gend=sex)'));
  });

  it('refuses a field given by two columns', () => {
    expect(() => new CaseDecoder(['id', 'sex', 'gend', 'age', 'diagnoses'], parseColumnMap('gend=sex'))).toThrow(/field sex is given by several columns \(sex, gend\)/);
  });

  it('refuses bad --columns values', () => {
    expect(() => parseColumnMap('gend')).toThrow(/"gend" is not source=field/);
    expect(() => parseColumnMap('gend=gender')).toThrow(/"gender" is not a case field/);
    expect(() => parseColumnMap('a+b=sex')).toThrow(/only money fields/);
  });

  it('reports bad cells with field and value, keeping the rest', () => {
    const d = new CaseDecoder(header);
    const { case: c, problems } = d.decode(['S2', '1', 'forty', '', '', '', '', 'K35.300', '']);
    expect(problems!.map((p) => [p.code, p.field, p.value])).toEqual([['age.not_a_number', 'age', 'forty']]);
    expect(c.age).toBeNull();
    expect(c.sex).toBe(1);
  });
});

describe('the decoder agrees with the zod schema', () => {
  const cell = fc.oneof(
    fc.constantFrom('', ' ', '1', '2', '9', '0', '45', '-3', '2.5', '.5', '1e3', 'abc', '12.345', '100.10', '2024-02-29', '2023-02-29', 'K35.300|K65.000', ' K35.3 || ', '1,5'),
    fc.string({ maxLength: 6 }),
  );
  it('on random rows of every field', () => {
    const d = new CaseDecoder([...CASE_FIELDS]);
    fc.assert(
      fc.property(fc.array(cell, { minLength: CASE_FIELDS.length, maxLength: CASE_FIELDS.length }), (cells) => {
        const fast = d.decode(cells);
        const record = Object.fromEntries(CASE_FIELDS.map((f, i) => [f, cells[i]]));
        const ref = parseCase(record);
        if (ref.ok) {
          expect(fast.problems).toBeNull();
          expect(fast.case).toEqual(ref.case);
        } else {
          expect(fast.problems?.map((p) => p.code).sort()).toEqual(ref.problems.map((p) => p.code).sort());
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});

describe('reading list cells and amounts inside a line (the fused readers)', () => {
  const cellText = fc.string({ unit: fc.constantFrom('A', 'b', '1', '.', 'x', '|', ' ', '\t', '\u3000', ','), maxLength: 30 });

  it('ListItems gives the ranges of the items splitCodes returns', () => {
    const items = new ListItems();
    fc.assert(
      fc.property(cellText, cellText, cellText, (before, cell, after) => {
        const line = `${before}${cell}${after}`;
        items.reset(line, before.length, before.length + cell.length);
        const got: string[] = [];
        while (items.next()) got.push(line.slice(items.from, items.to));
        expect(got).toEqual(splitCodes(cell));
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('checkedFen reads every amount amountOk accepts as parseYuan does (a negative zero as 0), and an empty cell as null', () => {
    const amount = fc.tuple(fc.constantFrom('', '+', '-'), fc.bigInt({ min: 0n, max: 9_999_999_999_999n }), fc.constantFrom('', '.0', '.5', '.05', '.99', '.1', '.00')).map(([s, v, f]) => `${s}${v}${f}`);
    fc.assert(
      fc.property(amount, cellText, (a, around) => {
        const line = `${around},${a},${around}`;
        const from = around.length + 1;
        expect(amountOk(line, from, from + a.length)).toBe(true);
        const fen = checkedFen(line, from, from + a.length);
        expect(Object.is(fen, parseYuan(a) === 0 ? 0 : parseYuan(a))).toBe(true);
      }),
      { numRuns: 1000, seed: 6 },
    );
    expect(checkedFen('a,,b', 2, 2)).toBeNull();
    expect(Object.is(checkedFen('-0.00', 0, 5), 0)).toBe(true);
  });
});
