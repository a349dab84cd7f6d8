/**
 * The yearly ledger on real SQLite files: idempotent re-settlement,
 * conflicts, reversal, transactions, two processes settling for the same
 * people at once, and a process killed in the middle of a batch.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { billLines, BILLS_HEADER } from '../bench/bills.js';
import { parseYuan, type Fen } from '../src/money.js';
import { BillDecoder, type Bill } from '../src/settle/bill.js';
import { CounterNames, encodeCounters } from '../src/settle/counter-codec.js';
import { Ledger, type LedgerOutcome } from '../src/settle/ledger.js';
import { settleBill, type Settlement } from '../src/settle/settle.js';
import type { CompiledPolicy } from '../src/settle/policy/load.js';
import type { Counters, Usage } from '../src/settle/types.js';
import { requireBuilt, ROOT } from './helpers.js';
import { bill, policy } from './settle-helpers.js';

const BIN = join(ROOT, 'bin/drg.js');
const y = (t: string): Fen => parseYuan(t)!;
let dir: string;
let n = 0;
const fresh = (): string => join(dir, `ledger-${++n}.db`);

beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'drg-ledger-'));
});

const settledOf = (o: LedgerOutcome): Settlement => {
  if (o.status === 'rejected') throw new Error(`rejected: ${o.problem.message}`);
  return o.settlement;
};
/** What must not change between a settlement and its replay. */
const amounts = (s: Settlement) => ({
  method: s.method, rule: s.rule, admission: s.admission, total: s.total, inScope: s.inScope, basis: s.basis, standard: s.standard, extraFund: s.extraFund,
  notCharged: s.notCharged, covered: s.covered, patient: s.patient, hospitalDifference: s.hospitalDifference,
  layers: s.layers.map((l) => [l.id, l.paid, l.deductible, l.ratio, l.note, l.bands]),
});

describe('settling and replaying', () => {
  const p = policy('zibo-2023');
  it('settling the same bill id again returns the stored result and changes nothing', () => {
    const ledger = Ledger.open(fresh());
    const b = bill({ bill_id: 'A', person_class: 'extreme_poverty', total_cost: '200000.00', out_of_scope: '10000.00', pre_self_pay: '6000.00' });
    const first = ledger.settle(p, b, { trace: true });
    expect(first.status).toBe('settled');
    const after = ledger.usage('P1', 2023);
    const again = ledger.settle(p, b);
    expect(again).toMatchObject({ status: 'replayed', reversedSince: false });
    expect(amounts(settledOf(again))).toEqual(amounts(settledOf(first)));
    expect(settledOf(again).patient).toBe(y('24455.00'));
    expect(ledger.usage('P1', 2023)).toEqual(after);
    expect(after).toEqual({
      admissions: 1,
      counters: { 'basic.paid': y('118950'), 'basic.deductible': y('1000'), 'critical_illness.counted': y('65050'), 'critical_illness.paid': y('31230'), 'assistance.paid': y('25365'), 'assistance_2.deductible': y('8455') },
    });
    ledger.close();
  });

  it('the same id with different content, or under another policy, is rejected', () => {
    const ledger = Ledger.open(fresh());
    ledger.settle(p, bill({ bill_id: 'A', total_cost: '5000.00' }));
    expect(ledger.settle(p, bill({ bill_id: 'A', total_cost: '5000.01' }))).toMatchObject({ status: 'rejected', problem: { code: 'bill_id.conflict' } });
    const other = { ...p, id: 'zibo-2023-revised' } as CompiledPolicy;
    expect(ledger.settle(other, bill({ bill_id: 'A', total_cost: '5000.00' }))).toMatchObject({ status: 'rejected', problem: { code: 'bill_id.conflict', message: expect.stringContaining('under policy zibo-2023') } });
    expect(ledger.usage('P1', 2023).admissions).toBe(1);
    ledger.close();
  });

  it('a bill the policy refuses is not recorded', () => {
    const ledger = Ledger.open(fresh());
    expect(ledger.settle(p, bill({ bill_id: 'A', hospital_level: '9', total_cost: '5000.00' }))).toMatchObject({ status: 'rejected', problem: { code: 'hospital_level.unknown' } });
    expect(ledger.stats()).toEqual({ settled: 0, reversed: 0, personYears: 0 });
    ledger.close();
  });

  it('the ledger outlives the process: close and reopen', () => {
    const path = fresh();
    const a = Ledger.open(path);
    a.settle(p, bill({ bill_id: 'A', total_cost: '5000.00' }));
    const usage = a.usage('P1', 2023);
    a.close();
    const b = Ledger.open(path);
    expect(b.usage('P1', 2023)).toEqual(usage);
    expect(b.settle(p, bill({ bill_id: 'B', total_cost: '5000.00' })).status).toBe('settled');
    expect(b.usage('P1', 2023).admissions).toBe(2);
    b.close();
  });
});

describe('reversal', () => {
  const p = policy('zibo-2023');
  const bills = ['A', 'B', 'C'].map((id) => bill({ bill_id: id, person_class: 'extreme_poverty', total_cost: '100000.00' }));

  it('a reversal restores the ledger, and later bills see the corrected totals', () => {
    const ledger = Ledger.open(fresh());
    ledger.settle(p, bills[0]!);
    const afterA = ledger.usage('P1', 2023);
    const b1 = settledOf(ledger.settle(p, bills[1]!));
    ledger.settle(p, bills[2]!);
    expect(ledger.reverse('C')).toMatchObject({ status: 'reversed', replayed: false });
    expect(ledger.reverse('B')).toMatchObject({ status: 'reversed', replayed: false });
    expect(ledger.usage('P1', 2023)).toEqual(afterA);
    // A corrected B (new id, same content) settles exactly as B did: second admission, same amounts.
    const again = settledOf(ledger.settle(p, { ...bills[1]!, bill_id: 'B2' }));
    expect(amounts(again)).toEqual(amounts(b1));
    expect(ledger.verify()).toMatchObject({ ok: true, bills: 2 });
    ledger.close();
  });

  it('reversing a middle bill: the next bill is the second admission again and sees its caps freed', () => {
    const ledger = Ledger.open(fresh());
    for (const b of bills) ledger.settle(p, b);
    expect(ledger.usage('P1', 2023).counters['basic.paid']).toBe(y('150000'));
    const reversed = ledger.reverse('B');
    expect(reversed.status === 'reversed' && reversed.settlement.layers[0]!.paid).toBe(y('64675'));
    expect(ledger.usage('P1', 2023)).toMatchObject({ admissions: 2, counters: expect.objectContaining({ 'basic.paid': y('85325') }) });
    const d = settledOf(ledger.settle(p, bill({ bill_id: 'D', person_class: 'extreme_poverty', total_cost: '100000.00' })));
    expect(d.admission).toBe(3);
    expect(d.layers[0]!.paid).toBe(y('64675')); // 150,000 − 85,325 left of the cap
    expect(ledger.verify().ok).toBe(true);
    ledger.close();
  });

  it('reversing twice returns the same reversal; an unknown bill is rejected; a replay says it was reversed', () => {
    const ledger = Ledger.open(fresh());
    ledger.settle(p, bills[0]!);
    const once = ledger.reverse('A');
    const twice = ledger.reverse('A');
    expect(twice).toMatchObject({ status: 'reversed', replayed: true });
    expect(amounts(settledOf(twice))).toEqual(amounts(settledOf(once)));
    expect(ledger.reverse('nope')).toMatchObject({ status: 'rejected', problem: { code: 'bill_id.unknown' } });
    expect(ledger.settle(p, bills[0]!)).toMatchObject({ status: 'replayed', reversedSince: true });
    expect(ledger.usage('P1', 2023)).toEqual({ admissions: 0, counters: {} });
    ledger.close();
  });
});

describe('transactions', () => {
  const p = policy('zibo-2023');
  it('bills in a failed transaction are not recorded', () => {
    const ledger = Ledger.open(fresh());
    expect(() =>
      ledger.transaction(() => {
        ledger.settle(p, bill({ bill_id: 'A', total_cost: '5000.00' }));
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(ledger.stats().settled).toBe(0);
    expect(ledger.usage('P1', 2023).admissions).toBe(0);
    const all = ledger.apply(p, [
      { action: 'settle', bill: bill({ bill_id: 'A', total_cost: '5000.00' }) },
      { action: 'settle', bill: bill({ bill_id: 'B', total_cost: '5000.00' }) },
      { action: 'reverse', bill_id: 'A' },
    ]);
    expect(all.map((o) => o.status)).toEqual(['settled', 'settled', 'reversed']);
    expect(ledger.usage('P1', 2023).admissions).toBe(1);
    ledger.close();
  });

  it('verify finds totals that do not match the bills', () => {
    const path = fresh();
    const ledger = Ledger.open(path);
    ledger.settle(p, bill({ bill_id: 'A', total_cost: '5000.00' }));
    expect(ledger.verify().ok).toBe(true);
    const db = new Database(path);
    // basic.paid set to 1 fen in the counters blob, the other counters kept.
    const names = new CounterNames(() => {
      throw new Error('no new names here');
    });
    names.load(db.prepare<[], [number, string]>('SELECT id, name FROM counter_name').raw().all());
    db.prepare('UPDATE person_year SET counters = ?').run(encodeCounters({ ...ledger.usage('P1', 2023).counters, 'basic.paid': 1 }, names));
    db.close();
    expect(ledger.verify()).toMatchObject({ ok: false, problems: [expect.stringContaining('basic.paid is 1, its bills add up to')] });
    ledger.close();
  });
});

// ---------------------------------------------------------------------------
// Several processes on one ledger file.

/** Bills of the generator, with their ids prefixed, as a CSV file; returns the file and the bills by id. */
function billsFile(name: string, count: number, persons: number, prefix: string, seed: number): { path: string; bills: Map<string, Bill> } {
  const lines = [...billLines(count, persons, seed)].map((l) => `${prefix}${l}`);
  const path = join(dir, name);
  writeFileSync(path, BILLS_HEADER + lines.map((l) => `${l}\n`).join(''));
  const decoder = new BillDecoder(BILLS_HEADER.trim().split(','));
  const bills = new Map<string, Bill>();
  for (const l of lines) {
    const r = decoder.decode(l.split(',')).request;
    if (r?.action === 'settle') bills.set(r.bill.bill_id, r.bill);
  }
  return { path, bills };
}

function drg(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
}
const exited = (c: ChildProcess): Promise<number | null> => new Promise((res) => c.on('exit', (code) => res(code)));

/** Bill ids in the order the ledger settled them. */
function settlementOrder(path: string): string[] {
  const db = new Database(path, { readonly: true });
  const ids = db.prepare<[], { bill_id: string }>("SELECT bill_id FROM bill WHERE status = 'settled' ORDER BY seq").all().map((r) => r.bill_id);
  db.close();
  return ids;
}

/**
 * Settle the bills again, in memory, in the order the ledger committed them:
 * every stored settlement must be what that order gives (no total was read
 * stale, nothing counted twice).
 */
function expectSerialisable(path: string, p: CompiledPolicy, bills: Map<string, Bill>): void {
  const ledger = Ledger.open(path);
  const years = new Map<string, Usage>();
  for (const id of settlementOrder(path)) {
    const b = bills.get(id)!;
    const key = `${b.person_id}/${b.year}`;
    const u = years.get(key) ?? { admissions: 0, counters: {} };
    const r = settleBill(p, b, u);
    if (!r.ok) throw new Error(r.problem.message);
    expect(amounts(ledger.storedBill(id, p)!.settlement), id).toEqual(amounts(r.settlement));
    const counters: Counters = { ...u.counters };
    for (const k in r.settlement.delta) counters[k] = (counters[k] ?? 0) + r.settlement.delta[k]!;
    years.set(key, { admissions: u.admissions + 1, counters });
  }
  for (const [key, u] of years) {
    const [person, year] = key.split('/') as [string, string];
    const have = ledger.usage(person, Number(year));
    expect(have.admissions).toBe(u.admissions);
    for (const k of Object.keys(u.counters)) if (u.counters[k] !== 0) expect(have.counters[k], `${key} ${k}`).toBe(u.counters[k]);
  }
  expect(ledger.verify().ok).toBe(true);
  ledger.close();
}

/**
 * A settlement service in a child process: settles the bills of a file one
 * by one, each in its own transaction, pausing a little between bills (as
 * clerks or services working side by side would).
 */
function clerk(ledger: string, bills: string): ChildProcess {
  const entry = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
  const script = `
    import { readFileSync } from 'node:fs';
    const { BillDecoder, Ledger, loadPolicy, resolvePolicyPath } = await import(${JSON.stringify(entry)});
    const [header, ...lines] = readFileSync(${JSON.stringify(bills)}, 'utf8').trim().split('\\n');
    const decoder = new BillDecoder(header.split(','));
    const policy = loadPolicy(resolvePolicyPath('zibo-2023'));
    const ledger = Ledger.open(${JSON.stringify(ledger)}, { durability: 'normal' });
    for (const line of lines) {
      const o = ledger.settle(policy, decoder.decode(line.split(',')).request.bill);
      if (o.status !== 'settled') throw new Error(o.status);
      await new Promise((r) => setTimeout(r, Math.random() * 2));
    }
    ledger.close();`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
}

describe('two processes settling for the same people at once', () => {
  const p = policy('zibo-2023');
  // 20 people, 300 bills per process: the same people's deductibles and caps are fought over.
  it('interleaved one bill at a time: the ledger equals settling the bills one by one in commit order', async () => {
    const a = billsFile('clerk-a.csv', 300, 20, 'A', 11);
    const b = billsFile('clerk-b.csv', 300, 20, 'X', 12);
    const path = fresh();
    Ledger.open(path).close(); // create the file first, so both start on the same schema
    const procs = [clerk(path, a.path), clerk(path, b.path)];
    let errors = '';
    for (const c of procs) c.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    expect(await Promise.all(procs.map(exited))).toEqual([0, 0]);
    expect(errors).toBe('');
    const order = settlementOrder(path);
    expect(order).toHaveLength(600);
    // The two really did interleave (otherwise this test would prove little).
    const switches = order.slice(1).filter((id, i) => id[0] !== order[i]![0]).length;
    expect(switches).toBeGreaterThan(20);
    expectSerialisable(path, p, new Map([...a.bills, ...b.bills]));
  });

  it('two bulk runs at once: each waits for the other\'s transactions, nothing is counted twice', async () => {
    const a = billsFile('bulk-a.csv', 3000, 50, 'A', 21);
    const b = billsFile('bulk-b.csv', 3000, 50, 'X', 22);
    const path = fresh();
    Ledger.open(path).close();
    const procs = [a, b].map((f) => drg(['settle', '--policy', 'zibo-2023', '--ledger', path, '--commit-every', '100', '--durability', 'normal', '-q', f.path]));
    let errors = '';
    for (const c of procs) c.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    expect(await Promise.all(procs.map(exited))).toEqual([0, 0]);
    expect(errors).toBe('');
    expect(settlementOrder(path)).toHaveLength(6000);
    expectSerialisable(path, p, new Map([...a.bills, ...b.bills]));
  });
});

describe('a process killed in the middle of a batch', () => {
  it('leaves the ledger consistent (whole batches only), and a rerun completes it exactly', async () => {
    const p = policy('zibo-2023');
    const file = billsFile('crash.csv', 40_000, 15_000, 'K', 13);
    const path = fresh();
    Ledger.open(path).close();
    const child = drg(['settle', '--policy', 'zibo-2023', '--ledger', path, '--commit-every', '500', '--durability', 'normal', '-q', file.path]);
    const done = exited(child);
    // Wait for the first commits, then kill it without warning.
    const reader = new Database(path, { readonly: true });
    const count = reader.prepare<[], { n: number }>('SELECT count(*) AS n FROM bill').pluck();
    for (let t = 0; t < 600 && (count.get() as unknown as number) < 1000; t++) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await done;
    const settled = count.get() as unknown as number;
    reader.close();
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(40_000); // it really was interrupted
    expect(settled % 500).toBe(0); // only whole batches (one transaction each) are in the ledger
    const after = Ledger.open(path);
    expect(after.verify()).toMatchObject({ ok: true, bills: settled });
    after.close();

    // Rerun the whole file: the settled bills replay, the rest settle; the result is a clean run's.
    const rerun = drg(['settle', '--policy', 'zibo-2023', '--ledger', path, '--durability', 'normal', '-q', '-o', join(dir, 'crash-out.csv'), file.path]);
    expect(await exited(rerun)).toBe(0);
    const out = readFileSync(join(dir, 'crash-out.csv'), 'utf8').trim().split('\n').slice(1);
    expect(out).toHaveLength(40_000);
    expect(out.filter((l) => l.split(',')[4] === 'replayed')).toHaveLength(settled);
    expectSerialisable(path, p, file.bills);
  });
});
