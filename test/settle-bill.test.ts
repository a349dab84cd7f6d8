/**
 * Bills: reading CSV rows (BillDecoder) and untrusted objects (parseBill, the
 * zod schema) give the same bills and the same problems; negative or
 * inconsistent amounts are problems, never defaults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BILL_FIELDS, BillDecoder, BillHeaderError, parseBill } from '../src/settle/bill.js';
import { HeaderError } from '../src/case/decode.js';

const HEADER = ['bill_id', 'person_id', 'date', 'insured_type', 'hospital_level', 'total_cost', 'out_of_scope', 'pre_self_pay', 'diagnoses', 'flags', 'los', 'bed_fee', 'nursing_fee', 'retired', 'action'];
const row = (over: Record<string, string>): string[] => {
  const base: Record<string, string> = { bill_id: 'B1', person_id: 'P1', date: '2023-04-01', insured_type: 'resident', hospital_level: '3', total_cost: '1000.00', out_of_scope: '10.00', pre_self_pay: '5', diagnoses: 'K35.800 | J18.900', flags: '', los: '4', bed_fee: '', nursing_fee: '', retired: '', action: '', ...over };
  return HEADER.map((h) => base[h]!);
};
const decoder = new BillDecoder(HEADER);
const codes = (cells: string[]) => decoder.decode(cells).problems?.map((p) => p.code) ?? [];

describe('BillDecoder', () => {
  it('reads a bill: money in fen, lists split, the year from the date', () => {
    const d = decoder.decode(row({}));
    expect(d.problems).toBeNull();
    expect(d.request).toEqual({
      action: 'settle',
      bill: expect.objectContaining({ bill_id: 'B1', year: 2023, total_cost: 100000, out_of_scope: 1000, pre_self_pay: 500, diagnoses: ['K35.800', 'J18.900'], flags: [], los: 4, retired: false, bed_fee: null, person_class: null }),
    });
  });
  it('a reversal needs only the bill id', () => {
    const cells = HEADER.map((h) => (h === 'bill_id' ? 'B9' : h === 'action' ? 'reverse' : ''));
    expect(decoder.decode(cells).request).toEqual({ action: 'reverse', bill_id: 'B9' });
  });
  it.each([
    [{ total_cost: '-1.00' }, ['total_cost.negative']],
    [{ out_of_scope: '-0.01' }, ['out_of_scope.negative']],
    [{ total_cost: '12.345' }, ['total_cost.not_an_amount']],
    [{ total_cost: '' }, ['total_cost.missing']],
    [{ out_of_scope: '900', pre_self_pay: '200' }, ['amounts.inconsistent']],
    [{ bed_fee: '900', nursing_fee: '100' }, ['amounts.inconsistent']],
    [{ date: '2023-02-30' }, ['date.not_a_date']],
    [{ person_id: '', insured_type: '' }, ['person_id.missing', 'insured_type.missing']],
    [{ bill_id: '' }, ['bill_id.missing']],
    [{ los: '-3' }, ['los.not_a_count']],
    [{ retired: 'perhaps' }, ['retired.not_yes_no']],
    [{ action: 'refund' }, ['action.not_an_action']],
  ])('%j → %j', (over, want) => {
    expect(codes(row(over))).toEqual(want);
    expect(decoder.decode(row(over)).request).toBeNull();
  });
  it('messages name the field and the value', () => {
    expect(decoder.decode(row({ total_cost: '-1.00' })).problems![0]!.message).toBe('total_cost "-1.00" is negative (a refund is a reversal of the bill, not a negative bill)');
    expect(decoder.decode(row({ out_of_scope: '900', pre_self_pay: '200' })).problems![0]!.message).toBe('out_of_scope 900.00 + pre_self_pay 200.00 = 1100.00 exceed total_cost 1000.00');
  });
  it('header: required columns, duplicates; other columns ignored (case-insensitive names)', () => {
    expect(() => new BillDecoder(['bill_id', 'person_id'])).toThrow(/missing required columns date, insured_type, hospital_level, total_cost, out_of_scope, pre_self_pay/);
    expect(() => new BillDecoder([...HEADER, 'LOS'])).toThrow(BillHeaderError);
    expect(() => new BillDecoder(['bill_id'])).toThrow(HeaderError);
    const d = new BillDecoder(['Bill_ID', ...HEADER.slice(1), 'ward']);
    expect(d.ignored).toEqual(['ward']);
    expect(d.decode([...row({}), 'x']).request?.action).toBe('settle');
  });
});

describe('parseBill (zod) and BillDecoder agree', () => {
  const cell = fc.oneof(fc.constant(''), fc.constantFrom('0', '1', '12.5', '-3', '100.00', '2023-06-01', '2023-13-01', 'yes', 'reverse', 'x', ' 7 ', 'A|B', '3.999'));
  it('on arbitrary rows: the same request or the same problem codes', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: BILL_FIELDS.length, maxLength: BILL_FIELDS.length }), (cells) => {
        const d = new BillDecoder([...BILL_FIELDS]).decode(cells);
        const z = parseBill(Object.fromEntries(BILL_FIELDS.map((f, i) => [f, cells[i]])));
        if (d.request !== null) expect(z).toEqual({ ok: true, request: d.request });
        else {
          expect(z.ok).toBe(false);
          if (!z.ok) expect(z.problems.map((p) => p.code).sort()).toEqual(d.problems!.map((p) => p.code).sort());
        }
      }),
      { numRuns: 2000 },
    );
  });
  it('the fast path for plain rows gives what the full decoder gives (same request, key for key)', () => {
    const plain = fc.oneof(
      fc.constant(''), fc.constantFrom('0', '1', '7', '000123', '1234567', '12.5', '12.', '.5', '12.50', '3.999', '-3', '+3', '-0', '9999999999999.99', '99999999999999'),
      fc.constantFrom(' 2023-06-01', '2023-02-29', '2024-02-29', 'yes', 'No', 'TRUE', 'settle', 'Settle', 'reverse', 'x', 'A| B|', ' R-1 ', '病人'),
    );
    const decoder = new BillDecoder([...BILL_FIELDS]);
    fc.assert(
      fc.property(fc.array(plain as fc.Arbitrary<string>, { minLength: BILL_FIELDS.length, maxLength: BILL_FIELDS.length }), fc.boolean(), (cells, fill) => {
        if (fill) {
          // Mostly settleable rows: the required fields filled in plainly.
          cells[0] ||= 'B1'; cells[1] = ''; cells[2] ||= 'P1'; cells[3] = '2023-06-01'; cells[4] ||= 'resident'; cells[7] ||= '3'; cells[9] = '100000.00';
        }
        const full = (decoder as unknown as { decodeAny(c: string[]): unknown }).decodeAny(cells);
        const d = decoder.decode(cells);
        expect(d).toEqual(full);
        if (d.request?.action === 'settle') expect(Object.keys(d.request.bill)).toEqual(Object.keys((full as typeof d).request!.action === 'settle' ? ((full as typeof d).request as { bill: object }).bill : {}));
      }),
      { numRuns: 5000 },
    );
  });
  it('parseBill takes numbers, booleans and code arrays too', () => {
    const r = parseBill({ bill_id: 7, person_id: 'P', date: '2023-01-02', insured_type: 'employee', hospital_level: 3, total_cost: 1234.5, out_of_scope: 0, pre_self_pay: 0, retired: true, diagnoses: ['C34.900', 'E11.900'] });
    expect(r).toEqual({ ok: true, request: { action: 'settle', bill: expect.objectContaining({ bill_id: '7', hospital_level: '3', total_cost: 123450, retired: true, diagnoses: ['C34.900', 'E11.900'] }) } });
  });
  it('parseBill names problems by code and field', () => {
    expect(parseBill({ bill_id: 'X', person_id: 'P', date: '2023-01-02', insured_type: 'resident', hospital_level: '3', total_cost: '-5', out_of_scope: '0', pre_self_pay: '0' })).toEqual({
      ok: false,
      problems: [{ code: 'total_cost.negative', field: 'total_cost', message: 'total_cost "-5" is negative (a refund is a reversal of the bill, not a negative bill)' }],
    });
  });
});
