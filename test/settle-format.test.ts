/**
 * The byte writers of the settlement hot path against their plain definitions:
 * outcomeCsvInto writes the bytes of outcomeCsv, billFingerprint hashes the
 * text billFingerprintText spells out.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/io/bytes.js';
import { outcomeCsv, outcomeCsvInto } from '../src/settle/format.js';
import { billFingerprint, billFingerprintText, Ledger, type LedgerOutcome } from '../src/settle/ledger.js';
import type { Bill } from '../src/settle/bill.js';
import { bill, policy } from './settle-helpers.js';

/** The fingerprint's definition: FNV-1a-style over the text, two lanes. */
function fingerprintOfText(text: string): number {
  let a = 0x811c9dc5 | 0;
  let b = 0x050c5d1f | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 16777619);
    b = Math.imul(b ^ c ^ (a >>> 11), 16777619);
  }
  return (a >>> 0) * 2097152 + (b >>> 11);
}

describe('billFingerprint', () => {
  it('hashes the fields as their text, without building it', () => {
    const b = bill({ bill_id: 'F1', person_id: 'R-1', total_cost: '200000.00', out_of_scope: '10000', pre_self_pay: '0.05', diagnoses: 'C34.900|E11.900', flags: 'tcm_day', retired: 'yes', los: '12' });
    expect(billFingerprint(b)).toBe(fingerprintOfText(billFingerprintText(b)));
    expect(billFingerprintText(b)).toContain('\u001f20000000\u001f1000000\u001f5\u001fC34.900|E11.900\u001f');
  });
  it('equals the hash of the text for any field values (numbers of any sign and size, lists, non-ASCII)', () => {
    const base = bill({ bill_id: 'F2', total_cost: '1.00' });
    const num = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.maxSafeInteger(), fc.constant(-0), fc.constant(Number.MAX_SAFE_INTEGER), fc.double({ noNaN: true }));
    const text = fc.oneof(fc.string(), fc.constant('病人 ✓'));
    fc.assert(
      fc.property(text, num, num, fc.array(text, { maxLength: 4 }), fc.option(num), fc.boolean(), (id, total, oos, dx, los, retired) => {
        const b = { ...base, bill_id: id, total_cost: total, out_of_scope: oos, diagnoses: dx, los, retired } as Bill;
        expect(billFingerprint(b)).toBe(fingerprintOfText(billFingerprintText(b)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('outcomeCsvInto', () => {
  it('writes the bytes of outcomeCsv for settled, replayed, reversed and rejected bills, with and without trace', () => {
    const p = policy('zibo-2023');
    const ledger = Ledger.open(join(mkdtempSync(join(tmpdir(), 'drg-format-')), 'l.db'));
    const bills = [
      bill({ bill_id: 'Z-001', person_id: 'R-1001', person_class: 'extreme_poverty', total_cost: '200000.00', out_of_scope: '10000.00', pre_self_pay: '6000.00', diagnoses: 'C34.900' }),
      bill({ bill_id: 'Z-002', person_id: 'R-1001', person_class: 'extreme_poverty', total_cost: '380000.00', out_of_scope: '1200.00', pre_self_pay: '900.00', diagnoses: 'C34.900' }),
      bill({ bill_id: 'Z,"7"', person_id: '病人 1', total_cost: '3000.00', flags: 'tcm_day', bed_fee: '400', nursing_fee: '200' }),
      bill({ bill_id: 'Z-004', person_id: 'R-2', hospital_level: '9', total_cost: '10.00' }),
    ];
    const outcomes: LedgerOutcome[] = [];
    for (const trace of [true, false]) for (const b of bills) outcomes.push(ledger.settle(p, b, { trace }));
    outcomes.push(ledger.reverse('Z-001', p), ledger.reverse('Z-001', p), ledger.settle(p, bills[0]!), ledger.reverse('NOPE', p));
    ledger.close();
    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set(['settled', 'replayed', 'reversed', 'rejected']));
    const w = new ByteWriter(16);
    for (const trace of [false, true]) {
      for (const o of outcomes) {
        outcomeCsvInto(w, p, o, trace);
        expect(Buffer.from(w.take()).toString('utf8')).toBe(outcomeCsv(p, o, trace));
      }
    }
  });
});
