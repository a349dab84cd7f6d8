/**
 * Settling a batch ahead of its commit, so that one thread settles the next
 * batch while another commits this one (see ledger-thread.ts and
 * jobs/settle.ts).
 *
 * A {@link SpeculativeLedger} reads the ledger file through a read-only
 * connection and keeps in memory the persons' years that the batches not yet
 * committed changed, and the ids of the bills they settled or reversed.
 * Settling and reversing are the same code as under the lock ({@link applyIn});
 * instead of writing, a batch yields a {@link WriteSet}, which the writing
 * thread commits with {@link Ledger.commitWrites} only if nothing has changed
 * under it:
 *
 * - another connection has committed since the writer's last look
 *   (`PRAGMA data_version`), so a read here may be stale;
 * - a bill id settled here as new is in the file already (a replay, or the
 *   same id twice within the batches in flight), found by the insert as under
 *   the lock; or a bill reversed here is no longer a settled one.
 *
 * Then the writer settles the batch again under the lock, from its text, and
 * its result is the batch's result; every batch settled here meanwhile was
 * built on the refused one and is settled again too (the writer's epoch, see
 * ledger-thread.ts), and this side forgets everything it held ({@link reset}).
 * A batch that looks up a bill of a batch in flight (to reverse it, say) is not
 * settled here at all ({@link NEEDS_LOCK}): the writer settles it. So the
 * outcome is always what settling under the lock, batch by batch, gives.
 */
import Database from 'better-sqlite3';
import { CounterNames } from './counter-codec.js';
import type { Bill, BillRequest } from './bill.js';
import { applyIn, decodeBlob, holdYear, type LedgerOutcome, type LedgerStore, packResult, type SettleLedger, type StoredBill, type YearRow } from './ledger.js';
import { OP_END, OP_INSERT, OP_REVERSE, type WriteSet, WriteSetWriter } from './write-set.js';
import type { CompiledPolicy } from './policy/load.js';
import type { SettleOptions, Settlement } from './settle.js';
import type { Counters } from './types.js';

/**
 * Thrown when a batch touches a bill that a batch not yet committed settled
 * or reversed (the same bill id twice, or a quick reversal): this side does
 * not keep such bills, so the batch is settled under the lock instead.
 */
export const NEEDS_LOCK = new Error('the batch needs the ledger lock');

export class SpeculativeLedger implements LedgerStore, SettleLedger {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly st: {
    bill: Database.Statement<[string], { status: 'settled' | 'reversed'; fingerprint: number; policy: string; person_id: string; year: number; delta: Buffer; result: string }>;
    person: Database.Statement<[string, number], [number, Buffer]>;
    names: Database.Statement<[], [number, string]>;
    begin: Database.Statement<[]>;
    end: Database.Statement<[]>;
  };
  /** Counter names, read from the file; this side never adds one (the writer does, as it encodes). */
  private readonly names = new CounterNames((name) => {
    throw new Error(`counter ${name} has no number yet`);
  });
  /** Persons' years changed by batches not yet committed, by year, then person. */
  private readonly years = new Map<number, Map<string, YearRow>>();
  /**
   * Per batch not yet committed: the years it changed (to forget them once it is) and the ids of
   * the bills it settled or reversed, made a set only when a look-up needs it (reversals and
   * refused bills; a bill settled again is found by the writer's insert).
   */
  private readonly touched = new Map<number, { years: YearRow[]; bills: InFlightIds }>();
  /** The batch being settled (0: none). */
  private batch = 0;
  private lastBatch = 0;
  private policyId = '';
  private readonly out = new WriteSetWriter();
  private dirty: YearRow[] = [];
  private billIds = new InFlightIds();
  /** Years read from the file in this batch: those it does not change are forgotten when it ends. */
  private fresh: YearRow[] = [];
  private writes: WriteSet | undefined;

  /** Open the file read-only: the writing thread has created it (and its WAL) already. */
  constructor(path: string, options: { mmapMb?: number; cacheMb?: number } = {}) {
    this.path = path;
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma(`cache_size = -${(options.cacheMb ?? 64) * 1024}`);
    this.db.pragma(`mmap_size = ${(options.mmapMb ?? 1024) * 1048576}`);
    this.st = {
      bill: this.db.prepare('SELECT status, fingerprint, policy, person_id, year, delta, result FROM bill WHERE bill_id = ?'),
      person: this.db.prepare<[string, number], [number, Buffer]>('SELECT admissions, counters FROM person_year WHERE person_id = ? AND year = ?').raw(),
      names: this.db.prepare<[], [number, string]>('SELECT id, name FROM counter_name').raw(),
      begin: this.db.prepare('BEGIN'),
      end: this.db.prepare('COMMIT'),
    };
    this.names.load(this.st.names.iterate());
  }

  /**
   * Settle a batch: `fn` applies its bills (with {@link applyOne}); the batch's
   * writes are then waiting in {@link takeWrites}. Batches are numbered from 1.
   */
  transaction<T>(fn: () => T): T {
    if (this.batch !== 0) throw new Error('SpeculativeLedger: batches do not nest');
    this.batch = ++this.lastBatch;
    // One read transaction for the whole batch: a statement outside one is a read transaction of
    // its own, which takes and drops the WAL's read lock each time (measured about half again the
    // cost of a person's look-up). Its snapshot may predate the commit of the batch before, whose
    // persons are held here until then.
    this.st.begin.run();
    try {
      const r = fn();
      this.endBatch();
      return r;
    } catch (err) {
      this.reset();
      throw err;
    } finally {
      this.st.end.run();
      this.batch = 0;
    }
  }

  applyOne(policy: CompiledPolicy | null, request: BillRequest, options: SettleOptions = {}): LedgerOutcome {
    if (this.batch === 0) throw new Error('SpeculativeLedger: bills are applied inside a batch');
    if (policy !== null) this.policyId = policy.id;
    return applyIn(this, policy, request, options);
  }

  /** The number and writes of the batch last settled. */
  takeWrites(): { batch: number; writes: WriteSet } {
    const writes = this.writes;
    if (writes === undefined) throw new Error('SpeculativeLedger: no batch to take');
    this.writes = undefined;
    return { batch: this.lastBatch, writes };
  }

  /**
   * A number for a batch not settled here (after {@link NEEDS_LOCK}, or not
   * tried), for the writer, which settles it under the lock. Everything held
   * is forgotten: the writer's answer makes the file the truth again.
   */
  skipBatch(): number {
    this.reset();
    return ++this.lastBatch;
  }

  /** The batch is in the file: forget what only it held. */
  committed(batch: number): void {
    const t = this.touched.get(batch);
    if (t === undefined) return;
    this.touched.delete(batch);
    for (const row of t.years) if (row.batch === batch) this.years.get(row.year)?.delete(row.person);
  }

  /** Forget everything held: the writer has settled a batch again, so the file is the truth. */
  reset(): void {
    this.years.clear();
    this.touched.clear();
    this.out.clear();
    this.dirty = [];
    this.billIds = new InFlightIds();
    this.fresh = [];
    this.writes = undefined;
  }

  close(): void {
    this.db.close();
  }

  readYear(person: string, year: number): YearRow {
    return holdYear(this.years, person, year, this.getPerson, this.decodeFn, this.onRead);
  }

  private readonly getPerson = (person: string, year: number): [number, Buffer] | undefined => this.st.person.get(person, year);
  private readonly decodeFn = (blob: Buffer): Counters => this.decode(blob);
  private readonly onRead = (row: YearRow): void => {
    this.fresh.push(row);
  };

  writeYear(row: YearRow, admissions: number, counters: Counters): void {
    row.admissions = admissions;
    row.counters = counters;
    row.batch = this.batch;
    if (!row.dirty) {
      row.dirty = true;
      this.dirty.push(row);
    }
  }

  insertBill(bill: Bill, policyId: string, fingerprint: number, s: Settlement): boolean {
    const id = bill.bill_id;
    // Not checked against the batches in flight: should it be there, the writer's insert finds it.
    this.billIds.add(id);
    const out = this.out;
    out.num(OP_INSERT);
    out.num(fingerprint);
    out.num(bill.year);
    out.counters(s.delta);
    out.text(id);
    out.text(bill.person_id);
    out.text(packResult(s));
    return true;
  }

  findBill(billId: string): StoredBill | undefined {
    if (this.billIds.has(billId)) throw NEEDS_LOCK;
    for (const t of this.touched.values()) if (t.bills.has(billId)) throw NEEDS_LOCK;
    const row = this.st.bill.get(billId);
    return row === undefined ? undefined : { ...row, delta: this.decode(row.delta) };
  }

  markReversed(billId: string): void {
    // A committed bill (findBill has refused the others): later look-ups in flight must not see it settled.
    this.billIds.add(billId);
    this.out.num(OP_REVERSE);
    this.out.text(billId);
  }

  private endBatch(): void {
    const out = this.out;
    out.num(OP_END);
    for (const row of this.dirty) {
      out.num(row.year);
      out.num(row.admissions);
      out.num(row.inDb ? 1 : 0);
      out.counters(row.counters);
      out.text(row.person);
      row.dirty = false;
      row.inDb = true; // the writer inserts it with this batch
    }
    for (const row of this.fresh) if (row.batch === 0) this.years.get(row.year)?.delete(row.person);
    this.fresh = [];
    this.touched.set(this.batch, { years: this.dirty, bills: this.billIds });
    this.writes = out.take(this.policyId);
    this.dirty = [];
    this.billIds = new InFlightIds();
  }

  private decode(blob: Buffer): Counters {
    return decodeBlob(blob, this.names, () => this.names.load(this.st.names.iterate()), this.path);
  }
}

/** Bill ids in the order added, and a set of them built only when asked. */
class InFlightIds {
  private readonly ids: string[] = [];
  private set: Set<string> | undefined;

  add(id: string): void {
    this.ids.push(id);
    this.set?.add(id);
  }

  has(id: string): boolean {
    if (this.set === undefined) this.set = new Set(this.ids);
    return this.set.has(id);
  }
}
