/**
 * The ledger's compact counters (counter-codec.ts) and persons' years held in
 * memory for a transaction (read once, written at the end): reversals within a
 * batch, other connections writing between transactions, failed and nested
 * transactions, and the schema version.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { CounterNames, decodeCounters, encodeCounters } from '../src/settle/counter-codec.js';
import { Ledger, type LedgerOutcome } from '../src/settle/ledger.js';
import { settleBill, type Settlement } from '../src/settle/settle.js';
import type { Counters } from '../src/settle/types.js';
import { bill, policy, usage } from './settle-helpers.js';

let dir: string;
let n = 0;
const fresh = (): string => join(dir, `ledger-${++n}.db`);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drg-ledger-cache-'));
});

const settledOf = (o: LedgerOutcome): Settlement => {
  if (o.status === 'rejected') throw new Error(`rejected: ${o.problem.message}`);
  return o.settlement;
};

describe('counters blobs', () => {
  const numbered = (): { names: CounterNames; added: string[] } => {
    const added: string[] = [];
    const names = new CounterNames((name) => added.push(name) - 1 + 10);
    return { names, added };
  };

  it('round-trip exactly, in key order, including negative, zero and very large amounts', () => {
    const { names, added } = numbered();
    const c: Counters = { 'basic.paid': 62677, 'basic.deductible': 0, 'critical_illness.counted': -31061, 'x.big': Number.MAX_SAFE_INTEGER, 'x.small': Number.MIN_SAFE_INTEGER, 'basic.disease.uraemia': 1 };
    const blob = Buffer.from(encodeCounters(c, names));
    expect(added).toEqual(Object.keys(c));
    const back = decodeCounters(blob, names)!;
    expect(back).toEqual(c);
    expect(Object.keys(back)).toEqual(Object.keys(c));
    expect(decodeCounters(Buffer.alloc(0), names)).toEqual({});
    // A typical year is a few bytes a counter, not JSON.
    expect(encodeCounters({ 'basic.paid': 1023562, 'basic.deductible': 100000 }, names).length).toBeLessThanOrEqual(10);
  });

  it('an unknown counter number gives undefined (the ledger reloads its names); a cut blob throws; fractions are refused', () => {
    const a = numbered();
    const blob = Buffer.from(encodeCounters({ 'basic.paid': 5 }, a.names));
    expect(decodeCounters(blob, numbered().names)).toBeUndefined();
    expect(() => decodeCounters(blob.subarray(0, 1), a.names)).toThrow(RangeError);
    expect(() => encodeCounters({ 'basic.paid': 0.5 }, a.names)).toThrow(RangeError);
  });

  it('load replaces every name', () => {
    const { names } = numbered();
    names.load([[1, 'a'], [2, 'b']]);
    expect(decodeCounters(Buffer.from([4, 2, 3, 2]), names)).toEqual({ b: 2, a: -2 });
    names.load([[1, 'c']]);
    expect(names.name(2)).toBeUndefined();
    expect(names.id('c')).toBe(1);
  });
});

describe("persons' years held for a transaction", () => {
  const p = policy('zibo-2023');
  const b = (id: string, person = 'P1', total = '100000.00') => bill({ bill_id: id, person_id: person, person_class: 'extreme_poverty', total_cost: total });

  it('within one transaction, a reversal is seen by the next bill of the same person', () => {
    const ledger = Ledger.open(fresh());
    const out = ledger.apply(p, [
      { action: 'settle', bill: b('A') },
      { action: 'settle', bill: b('B') },
      { action: 'reverse', bill_id: 'B' },
      { action: 'settle', bill: b('C') },
      { action: 'reverse', bill_id: 'A' },
      { action: 'settle', bill: b('D') },
    ]);
    expect(out.map((o) => o.status)).toEqual(['settled', 'settled', 'reversed', 'settled', 'reversed', 'settled']);
    // C is the second admission again (B undone) and settles as B did; D is again second (A undone).
    expect(settledOf(out[3]!).admission).toBe(2);
    expect(settledOf(out[3]!).layers).toEqual(settledOf(out[1]!).layers);
    expect(settledOf(out[5]!).admission).toBe(2);
    // The totals written at commit are those of C and D alone, D settled on C's.
    const cDelta = settledOf(out[3]!).delta;
    const d = settleBill(p, b('D'), usage(1, cDelta));
    if (!d.ok) throw new Error('D');
    expect(settledOf(out[5]!).layers).toEqual(d.settlement.layers);
    const want: Counters = { ...cDelta };
    for (const k in d.settlement.delta) want[k] = (want[k] ?? 0) + d.settlement.delta[k]!;
    for (const k of Object.keys(want)) if (want[k] === 0) delete want[k];
    expect(ledger.usage('P1', 2023)).toEqual({ admissions: 2, counters: want });
    expect(ledger.verify()).toMatchObject({ ok: true, bills: 2 });
    ledger.close();
  });

  it('usage inside a transaction sees what the transaction has settled so far', () => {
    const ledger = Ledger.open(fresh());
    ledger.transaction(() => {
      ledger.settle(p, b('A'));
      expect(ledger.usage('P1', 2023).admissions).toBe(1);
      expect(ledger.stats()).toMatchObject({ settled: 1, personYears: 1 });
      ledger.settle(p, b('B'));
      expect(ledger.usage('P1', 2023).admissions).toBe(2);
    });
    expect(ledger.usage('P1', 2023).admissions).toBe(2);
    ledger.close();
  });

  it('another connection settling for the same person in between is seen (no stale totals)', () => {
    const path = fresh();
    const one = Ledger.open(path);
    const two = Ledger.open(path);
    expect(one.settle(p, b('A')).status).toBe('settled');
    expect(settledOf(two.settle(p, b('B'))).admission).toBe(2);
    expect(settledOf(one.settle(p, b('C'))).admission).toBe(3);
    two.reverse('C');
    expect(settledOf(one.settle(p, b('D'))).admission).toBe(3);
    // A counter name first used by the other connection (a new person class: assistance layer 2) is read back.
    two.settle(p, bill({ bill_id: 'E', person_id: 'P2', person_class: 'subsistence', total_cost: '300000.00' }));
    expect(one.usage('P2', 2023)).toEqual(two.usage('P2', 2023));
    expect(one.storedBill('E', p)!.settlement.delta).toEqual(two.storedBill('E', p)!.settlement.delta);
    expect(one.verify().ok).toBe(true);
    one.close();
    two.close();
  });

  it('a failed transaction leaves nothing behind in memory either', () => {
    const ledger = Ledger.open(fresh());
    ledger.settle(p, b('A'));
    expect(() =>
      ledger.transaction(() => {
        ledger.settle(p, b('B'));
        // A counter the file has not seen yet, numbered inside the failed transaction.
        ledger.settle(p, bill({ bill_id: 'X', person_id: 'P9', person_class: 'subsistence', total_cost: '300000.00' }));
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(ledger.usage('P1', 2023).admissions).toBe(1);
    expect(settledOf(ledger.settle(p, b('B'))).admission).toBe(2);
    const x = settledOf(ledger.settle(p, bill({ bill_id: 'X', person_id: 'P9', person_class: 'subsistence', total_cost: '300000.00' })));
    expect(x.admission).toBe(1);
    expect(ledger.usage('P9', 2023).counters).toEqual(x.delta);
    expect(ledger.verify()).toMatchObject({ ok: true, bills: 3 });
    ledger.close();
  });

  it('a nested transaction that fails is undone alone; the outer one commits the rest', () => {
    const ledger = Ledger.open(fresh());
    ledger.transaction(() => {
      ledger.settle(p, b('A'));
      expect(() =>
        ledger.transaction(() => {
          ledger.settle(p, b('B'));
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(ledger.usage('P1', 2023).admissions).toBe(1);
      expect(settledOf(ledger.settle(p, b('C'))).admission).toBe(2);
    });
    expect(ledger.stats()).toMatchObject({ settled: 2 });
    expect(ledger.usage('P1', 2023).admissions).toBe(2);
    expect(ledger.verify().ok).toBe(true);
    ledger.close();
  });

  it('the next transaction reads the years the previous one wrote', () => {
    const ledger = Ledger.open(fresh());
    ledger.apply(p, [{ action: 'settle', bill: b('A', 'P1') }, { action: 'settle', bill: b('B', 'P2') }]);
    ledger.apply(p, [{ action: 'settle', bill: b('C', 'P1') }, { action: 'reverse', bill_id: 'B' }, { action: 'settle', bill: b('D', 'P2') }]);
    expect(ledger.storedBill('C')!.settlement.admission).toBe(2);
    expect(ledger.storedBill('D')!.settlement.admission).toBe(1);
    expect(ledger.verify()).toMatchObject({ ok: true, bills: 3 });
    ledger.close();
  });

  it('a ledger of schema version 1 (JSON counters) is refused with its version named', () => {
    const path = fresh();
    const db = new Database(path);
    db.exec("CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; INSERT INTO ledger_meta VALUES ('schema_version', '1');");
    db.close();
    expect(() => Ledger.open(path)).toThrow('has schema version 1; this engine reads version 2');
  });
});
