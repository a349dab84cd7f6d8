/**
 * Settling on two threads (speculative.ts, ledger-writer.ts): batches settled
 * ahead against a read-only view and committed by the writer only when
 * nothing changed under them; otherwise settled again under the lock. The
 * results must be those of settling batch by batch under the lock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { billLines, BILLS_HEADER } from '../bench/bills.js';
import { Ledger } from '../src/settle/ledger.js';
import { NEEDS_LOCK, SpeculativeLedger } from '../src/settle/speculative.js';
import type { Bill } from '../src/settle/bill.js';
import { requireBuilt, ROOT } from './helpers.js';
import { bill, policy } from './settle-helpers.js';

const BIN = join(ROOT, 'bin/drg.js');
let dir: string;
let n = 0;
const fresh = (): string => join(dir, `ledger-${++n}.db`);
beforeAll(() => {
  requireBuilt();
  dir = mkdtempSync(join(tmpdir(), 'drg-pipelined-'));
});

/** The ledger's tables without the time stamps, in a fixed order. */
function tables(path: string): unknown {
  const db = new Database(path, { readonly: true });
  const t = {
    bills: db.prepare('SELECT seq, bill_id, person_id, year, policy, fingerprint, status, reversed_at IS NOT NULL AS reversed, hex(delta) AS delta, result FROM bill ORDER BY seq').all(),
    years: db.prepare('SELECT person_id, year, admissions, hex(counters) AS counters FROM person_year ORDER BY person_id, year').all(),
    names: db.prepare('SELECT id, name FROM counter_name ORDER BY id').all(),
  };
  db.close();
  return t;
}

const p = policy('zibo-2023');
const b = (id: string, person: string, cost: string): Bill => bill({ bill_id: id, person_id: person, total_cost: cost });

/** A ledger file with the writer's connection open (as the writing thread holds it) and a view on it. */
function pair(): { path: string; writer: Ledger; view: SpeculativeLedger } {
  const path = fresh();
  const writer = Ledger.open(path);
  return { path, writer, view: new SpeculativeLedger(path) };
}

describe('a batch settled ahead, committed by the writer', () => {
  it('commits exactly what settling under the lock writes', () => {
    const bills = [b('A1', 'P1', '20000.00'), b('A2', 'P1', '300000.00'), b('A3', 'P2', '5000.00')];
    const { path, writer, view } = pair();
    const version = writer.dataVersion();
    view.transaction(() => bills.forEach((x) => view.applyOne(p, { action: 'settle', bill: x })));
    expect(writer.commitWrites(view.takeWrites().writes, version)).toBe(true);
    view.close();
    writer.close();

    const lockPath = fresh();
    const lock = Ledger.open(lockPath);
    lock.transaction(() => bills.forEach((x) => lock.applyOne(p, { action: 'settle', bill: x })));
    lock.close();
    expect(tables(path)).toEqual(tables(lockPath));
  });

  it('is refused, writing nothing, when another connection committed since the writer last looked', () => {
    const { path, writer, view } = pair();
    writer.settle(p, b('A0', 'P1', '5000.00'));
    const version = writer.dataVersion();
    view.transaction(() => view.applyOne(p, { action: 'settle', bill: b('A1', 'P1', '20000.00') }));
    const other = Ledger.open(path);
    other.settle(p, b('X1', 'P1', '10000.00')); // P1's year changes under the batch (an update would not notice)
    other.close();
    expect(writer.dataVersion()).not.toBe(version);
    expect(writer.commitWrites(view.takeWrites().writes, version)).toBe(false);
    expect((tables(path) as { bills: { bill_id: string }[] }).bills.map((r) => r.bill_id)).toEqual(['A0', 'X1']);
    // A refused write set leaves no open transaction behind.
    expect(writer.settle(p, b('A1', 'P1', '20000.00')).status).toBe('settled');
    view.close();
    writer.close();
  });

  it('is refused when a bill settled ahead as new is in the file already (a replay)', () => {
    const { path, writer, view } = pair();
    writer.settle(p, b('A1', 'P1', '20000.00'));
    const version = writer.dataVersion();
    // The view cannot tell: looking every id up would cost what the writer saves.
    view.transaction(() => {
      view.applyOne(p, { action: 'settle', bill: b('A2', 'P2', '1000.00') });
      view.applyOne(p, { action: 'settle', bill: b('A1', 'P1', '20000.00') });
    });
    expect(writer.commitWrites(view.takeWrites().writes, version)).toBe(false);
    expect((tables(path) as { bills: unknown[] }).bills).toHaveLength(1);
    view.close();
    writer.close();
  });

  it('is refused when it reverses a bill that is no longer settled', () => {
    const { writer, view } = pair();
    writer.settle(p, b('A1', 'P1', '20000.00'));
    const version = writer.dataVersion();
    view.transaction(() => view.applyOne(p, { action: 'reverse', bill_id: 'A1' }));
    const writes = view.takeWrites().writes;
    writer.reverse('A1'); // the writer's own commit: the version does not move, the status check catches it
    expect(writer.dataVersion()).toBe(version);
    expect(writer.commitWrites(writes, version)).toBe(false);
    view.close();
    writer.close();
  });

  it('a batch that looks up a bill of a batch in flight is left to the writer; once committed, the file answers', () => {
    const { writer, view } = pair();
    const version = writer.dataVersion();
    view.transaction(() => view.applyOne(p, { action: 'settle', bill: b('A1', 'P1', '20000.00') }));
    const first = view.takeWrites();
    expect(() => view.transaction(() => view.applyOne(p, { action: 'reverse', bill_id: 'A1' }))).toThrow(NEEDS_LOCK);
    expect(writer.commitWrites(first.writes, version)).toBe(true);
    view.committed(first.batch);
    const o = view.transaction(() => view.applyOne(p, { action: 'reverse', bill_id: 'A1' }));
    expect(o.status).toBe('reversed');
    // Reversed in a batch still in flight: a second reversal there cannot be answered here either.
    expect(() => view.transaction(() => view.applyOne(p, { action: 'reverse', bill_id: 'A1' }))).toThrow(NEEDS_LOCK);
    view.close();
    writer.close();
  });

  it('a batch in flight holds its persons\' years: the next batch sees them before they are committed', () => {
    const { writer, view } = pair();
    const version = writer.dataVersion();
    const s1 = view.transaction(() => view.applyOne(p, { action: 'settle', bill: b('A1', 'P1', '20000.00') }));
    const first = view.takeWrites();
    const s2 = view.transaction(() => view.applyOne(p, { action: 'settle', bill: b('A2', 'P1', '20000.00') }));
    const second = view.takeWrites();
    if (s1.status !== 'settled' || s2.status !== 'settled') throw new Error('not settled');
    expect(s2.settlement.admission).toBe(2);
    expect(writer.commitWrites(first.writes, version)).toBe(true);
    expect(writer.commitWrites(second.writes, version)).toBe(true);
    expect(writer.usage('P1', 2023).admissions).toBe(2);
    view.close();
    writer.close();
  });
});

// ---------------------------------------------------------------------------
// The CLI: the default (two threads) against --lockstep.

/** Generated bills with, every few rows, a reversal of a recent bill, a repeated row and a broken row. */
function mixedFile(): string {
  const lines = [...billLines(600, 40, 5)];
  const out: string[] = [];
  lines.forEach((l, i) => {
    out.push(`${l},`);
    if (i % 7 === 3) out.push(`${lines[i - 2]!.split(',')[0]!},,,,,,,,,,,,,,,,,reverse`);
    if (i % 11 === 5) out.push(`${lines[i - 1]!},`);
    if (i % 97 === 50) out.push(`${lines[i - 30]!.split(',')[0]!},,,,,,,,,,,,,,,,,reverse`);
    if (i % 131 === 7) out.push('BROKEN,P1,not-a-date,resident,,,3,,100.00,0,0,,,,,,,');
  });
  const path = join(dir, `mixed-${++n}.csv`);
  writeFileSync(path, `${BILLS_HEADER.trim()},action\n${out.join('\n')}\n`);
  return path;
}

function settle(ledger: string, bills: string, extra: string[]): { out: string; err: string; status: number | null } {
  const outPath = `${ledger}.out.csv`;
  const r = spawnSync(process.execPath, [BIN, 'settle', '--policy', 'zibo-2023', '--ledger', ledger, '-o', outPath, '--durability', 'normal', ...extra, bills], { cwd: ROOT, encoding: 'utf8' });
  const err = r.stderr.replace(/, [0-9.]+ s, \d+ bills\/s\)/, ')').replace(/ledger [^ ,)\n]+/g, 'ledger X').replace(/^drg settle: note: .* settled by the ledger's writer thread.*\n/m, '');
  return { out: readFileSync(outPath, 'utf8'), err, status: r.status };
}

describe('drg settle on two threads', () => {
  it('gives the outputs and the ledger of --lockstep, with replays, reversals soon after the bill, repeated and broken rows', () => {
    const bills = mixedFile();
    for (const every of ['5', '64']) {
      const two = fresh();
      const one = fresh();
      const first = [settle(two, bills, ['--commit-every', every]), settle(one, bills, ['--commit-every', every, '--lockstep'])];
      expect(first[0]).toEqual(first[1]);
      expect(first[0]!.err).toMatch(/= 600 settled \+ [1-9]\d* replayed \+ [1-9]\d* reversed \+ [1-9]\d* rejected/);
      // The same file again: every bill is a replay, found by the writer's inserts.
      const again = [settle(two, bills, ['--commit-every', every]), settle(one, bills, ['--commit-every', every, '--lockstep'])];
      expect(again[0]).toEqual(again[1]);
      expect(again[0]!.err).toMatch(/ 0 settled \+ [1-9]\d* replayed/);
      expect(tables(two)).toEqual(tables(one));
    }
  });

  it('says how many batches the writer settled itself', () => {
    const bills = mixedFile();
    const r = spawnSync(process.execPath, [BIN, 'settle', '--policy', 'zibo-2023', '--ledger', fresh(), '--commit-every', '5', '-o', join(dir, 'note.csv'), bills], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toMatch(/^drg settle: note: \d+ batches were settled by the ledger's writer thread under its lock/m);
  });
});
