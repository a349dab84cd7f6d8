/**
 * The yearly ledger: per person and year, the admissions settled and the
 * amounts each layer has counted, met as deductible and paid; per bill, what
 * it added and what it settled to. An SQLite file (better-sqlite3).
 *
 * - Settling a bill reads the person's year, settles, inserts the bill and
 *   writes the person's year back, in one transaction; `apply` settles a
 *   list of bills (in order) in one transaction.
 * - Transactions are BEGIN IMMEDIATE: the write lock is taken before the
 *   person's year is read, so two processes settling for the same person
 *   queue up (waiting up to the busy timeout) instead of both reading the old
 *   totals. WAL mode lets readers go on meanwhile.
 * - Settling a bill id again returns the stored result (`replayed`, even
 *   when the bill has been reversed since, so that a rerun of a file gives
 *   the same amounts); the same id with different content, or under another
 *   policy, is rejected.
 * - Reversing a bill subtracts what it added; later bills see the corrected
 *   totals. Bills settled after it are not re-settled.
 * - Within a transaction a person's year is read once (the write lock is
 *   held, so no one else can change it) and written once, before the commit;
 *   the copy in memory is dropped when the transaction ends.
 * - Counters (a person's year, a bill's delta) are stored as small blobs
 *   (counter-codec.ts) rather than JSON: fewer bytes, fewer pages a commit
 *   rewrites.
 *
 * The schema ({@link LEDGER_SCHEMA}) is plain SQL; README.md shows the same
 * schema and transaction pattern on PostgreSQL.
 */
import Database from 'better-sqlite3';
import type { Fen } from '../money.js';
import { CounterNames, decodeCounters, encodeCounters } from './counter-codec.js';
import { BILL_FIELDS, type Bill, type BillField, type BillRequest } from './bill.js';
import { NOT_ELIGIBLE, type LayerOutcome } from './layers/index.js';
import type { CompiledPolicy } from './policy/load.js';
import { settleBill, type SettleOptions, type Settlement } from './settle.js';
import { NO_USAGE, type BillProblem, type Counters, type Usage } from './types.js';
import { OP_END, OP_REVERSE, type WriteSet, WriteSetReader } from './write-set.js';

export const LEDGER_SCHEMA_VERSION = 2;

/** The ledger's tables. */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- The counter names (see src/settle/types.ts) behind the numbers in the counters blobs.
CREATE TABLE IF NOT EXISTS counter_name (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
);

-- One row per person and year: the running totals.
CREATE TABLE IF NOT EXISTS person_year (
  person_id  TEXT    NOT NULL,
  year       INTEGER NOT NULL,
  admissions INTEGER NOT NULL,      -- settled, not reversed
  counters   BLOB    NOT NULL,      -- counter number -> fen, as varints (src/settle/counter-codec.ts)
  PRIMARY KEY (person_id, year)
) WITHOUT ROWID;

-- One row per bill ever settled; a reversal marks it, it is never deleted.
CREATE TABLE IF NOT EXISTS bill (
  seq         INTEGER PRIMARY KEY,  -- settlement order
  bill_id     TEXT    NOT NULL UNIQUE,
  person_id   TEXT    NOT NULL,
  year        INTEGER NOT NULL,
  policy      TEXT    NOT NULL,
  fingerprint INTEGER NOT NULL,     -- hash of the bill's fields: a replay must match it
  status      TEXT    NOT NULL CHECK (status IN ('settled', 'reversed')),
  settled_at  INTEGER NOT NULL,     -- Unix time, ms
  reversed_at INTEGER,
  delta       BLOB    NOT NULL,     -- what the bill added to the person's counters (as person_year.counters)
  result      TEXT    NOT NULL      -- JSON: the settlement (see packResult)
);
`;

export type Durability = 'full' | 'normal';

export interface LedgerOptions {
  /**
   * `full` (default): synchronous=FULL, each commit is on disk before it
   * returns (survives power loss). `normal`: synchronous=NORMAL, commits
   * survive a crash of the process but the last ones may be lost on power
   * loss; the file stays consistent either way.
   */
  readonly durability?: Durability;
  /** How long to wait for another process's write lock (default 30 s). */
  readonly busyTimeoutMs?: number;
  /** Page cache in MiB (default 64). */
  readonly cacheMb?: number;
  /** Largest part of the file read through a memory map, in MiB (default 1024; 0 = none). */
  readonly mmapMb?: number;
}

/** A person's year in the open transaction (see {@link Ledger}) or batch (see {@link SpeculativeLedger}). */
export interface YearRow {
  readonly person: string;
  readonly year: number;
  admissions: number;
  counters: Counters;
  /** The row exists in the file (update it) or not yet (insert it). */
  inDb: boolean;
  /** Changed in the open transaction, not yet written. */
  dirty: boolean;
  /** The last batch not yet committed that changed it (a {@link SpeculativeLedger}'s; 0 otherwise). */
  batch: number;
}

/**
 * A person's year from `years` (by year, then person); on a miss read from
 * the file with `get` and held there, and `onRead` told of it.
 */
export function holdYear(years: Map<number, Map<string, YearRow>>, person: string, year: number, get: (person: string, year: number) => [number, Buffer] | undefined, decode: (blob: Buffer) => Counters, onRead?: (row: YearRow) => void): YearRow {
  let byPerson = years.get(year);
  if (byPerson === undefined) years.set(year, (byPerson = new Map()));
  let row = byPerson.get(person);
  if (row === undefined) {
    const r = get(person, year);
    row = r === undefined
      ? { person, year, admissions: 0, counters: {}, inDb: false, dirty: false, batch: 0 }
      : { person, year, admissions: r[0], counters: decode(r[1]), inDb: true, dirty: false, batch: 0 };
    byPerson.set(person, row);
    onRead?.(row);
  }
  return row;
}

/** Counters from a blob of the file; names another connection added since are read first (`reload`). */
export function decodeBlob(blob: Uint8Array, names: CounterNames, reload: () => void, path: string): Counters {
  let c = decodeCounters(blob, names);
  if (c === undefined) {
    reload();
    c = decodeCounters(blob, names);
    if (c === undefined) throw new Error(`ledger ${path}: a counters blob names a counter missing from counter_name`);
  }
  return c;
}

/** A bill as a ledger holds it, its delta decoded. */
export interface StoredBill {
  readonly status: 'settled' | 'reversed';
  readonly fingerprint: number;
  readonly policy: string;
  readonly person_id: string;
  readonly year: number;
  readonly delta: Counters;
  /** The settlement, packed (see {@link packResult}). */
  readonly result: string;
}

/**
 * What settling and reversing a bill need of a ledger ({@link settleIn},
 * {@link reverseIn}): the SQLite file under the write lock ({@link Ledger}),
 * or a batch settled ahead of its commit ({@link SpeculativeLedger}).
 */
export interface LedgerStore {
  /** The person's year as it stands now (the same object until the transaction or batch ends). */
  readYear(person: string, year: number): YearRow;
  writeYear(row: YearRow, admissions: number, counters: Counters): void;
  /** Record a newly settled bill; false (and nothing recorded) when the ledger has the id already. */
  insertBill(bill: Bill, policyId: string, fingerprint: number, s: Settlement): boolean;
  findBill(billId: string): StoredBill | undefined;
  markReversed(billId: string): void;
  /** Names the ledger in error messages. */
  readonly path: string;
}

/** Anything a settle job can settle against: a transaction per batch, bills applied in order inside it. */
export interface SettleLedger {
  transaction<T>(fn: () => T): T;
  applyOne(policy: CompiledPolicy | null, request: BillRequest, options?: SettleOptions): LedgerOutcome;
}

export type LedgerOutcome =
  /** Settled now. */
  | { readonly status: 'settled'; readonly settlement: Settlement }
  /**
   * Already settled with the same content: the stored settlement
   * (`reversedSince` when it has been reversed since; a corrected bill needs a new id).
   */
  | { readonly status: 'replayed'; readonly settlement: Settlement; readonly reversedSince: boolean }
  /** Reversed (now, or already: `replayed`): the settlement that was undone. */
  | { readonly status: 'reversed'; readonly settlement: Settlement; readonly replayed: boolean }
  /** Not settled: a problem with the bill (or a conflict with the ledger). */
  | { readonly status: 'rejected'; readonly billId: string; readonly problem: BillProblem };

interface BillRow {
  status: 'settled' | 'reversed';
  fingerprint: number;
  policy: string;
  person_id: string;
  year: number;
  delta: Buffer;
  result: string;
}

/**
 * A fingerprint of the bill's content, to tell a replay from a different bill
 * with the same id: a 53-bit FNV-1a-style hash of its fields (in BILL_FIELDS
 * order, money in fen, lists joined by |), as an integer.
 */
export function billFingerprint(bill: Bill): number {
  return fingerprintFields(bill, units, integerUnits);
}

/** The text billFingerprint hashes: each field as text (lists joined by |, null empty), each followed by U+001F. */
export function billFingerprintText(bill: Bill): string {
  let text = '';
  for (const f of FINGERPRINT_FIELDS) {
    const v = bill[f];
    text += `${Array.isArray(v) ? v.join('|') : v === null ? '' : String(v)}\u001f`;
  }
  return text;
}

/** The UTF-16 units of String(v) of the last integerUnits call. */
const units = new Uint16Array(20);

/** String(v) of a safe integer as units in {@link units}, without making the string; returns how many. */
function integerUnits(v: number): number {
  let n = 0;
  if (v < 0) {
    units[n++] = 45; // '-'
    v = -v;
  }
  // Digits from the last, with exact integer steps (v % 10, (v − d) / 10), then put in order.
  let end = 20;
  do {
    const d = v % 10;
    units[--end] = 48 + d;
    v = (v - d) / 10;
  } while (v > 0);
  units.copyWithin(n, end, 20);
  return n + 20 - end;
}

const FINGERPRINT_FIELDS = BILL_FIELDS.filter((f): f is Exclude<BillField, 'action'> => f !== 'action');

/**
 * The body of billFingerprint, compiled once for FINGERPRINT_FIELDS (as Ajv compiles a schema): one block per
 * field that reads it by name. A loop over the field names reads each with a keyed load, which V8 handles as
 * megamorphic (twenty different names at one site); these are monomorphic loads. Each block does what the loop
 * did: a string as its characters, a safe integer as the digits of String(v) (no string made), a list joined by
 * |, anything else but null as String(v); then the field separator. The two 32-bit lanes stay locals (no BigInt,
 * several times slower; no helper updating shared state, which measured slower). billFingerprintText (tests) is
 * the definition this must equal.
 */
const fingerprintFields = compileFingerprint();

function compileFingerprint(): (bill: Bill, units: Uint16Array, integerUnits: (v: number) => number) => number {
  const step = (c: string) => `a = Math.imul(a ^ ${c}, 16777619); b = Math.imul(b ^ ${c} ^ (a >>> 11), 16777619);`;
  let body = 'let a = 0x811c9dc5 | 0, b = 0x050c5d1f | 0, v, text, n, c, i;\n';
  for (const f of FINGERPRINT_FIELDS) {
    if (!/^[a-z_]+$/.test(f)) throw new Error(`bill field ${f} cannot be compiled into the fingerprint`);
    body += `v = bill.${f}; text = null; n = 0;
if (typeof v === 'string') text = v;
else if (typeof v === 'number' && Number.isSafeInteger(v)) n = integerUnits(v);
else if (Array.isArray(v)) text = v.length === 1 ? v[0] : v.join('|');
else if (v !== null) text = String(v);
if (text !== null) { for (i = 0; i < text.length; i++) { c = text.charCodeAt(i); ${step('c')} } }
else { for (i = 0; i < n; i++) { c = units[i]; ${step('c')} } }
${step('0x1f')}
`;
  }
  body += 'return (a >>> 0) * 2097152 + (b >>> 11);';
  return new Function('bill', 'units', 'integerUnits', body) as (bill: Bill, units: Uint16Array, integerUnits: (v: number) => number) => number;
}

export class Ledger implements LedgerStore, SettleLedger {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly st: {
    bill: Database.Statement<[string], BillRow>;
    person: Database.Statement<[string, number], [number, Buffer]>;
    insertBill: Database.Statement<[string, string, number, string, number, number, Buffer, string]>;
    insertPerson: Database.Statement<[string, number, number, Buffer]>;
    updatePerson: Database.Statement<[number, Buffer, string, number]>;
    names: Database.Statement<[], [number, string]>;
    addName: Database.Statement<[string]>;
    nameId: Database.Statement<[string], number>;
    markReversed: Database.Statement<[number, string]>;
  };
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  /** The time stamp of the open transaction (Unix ms). */
  private now = 0;
  /**
   * Persons' years read in the open transaction, by year, then person (a map per year rather than one
   * keyed by a joined year-and-person text: no new string to build and hash per bill).
   */
  private readonly years = new Map<number, Map<string, YearRow>>();
  /** Rows of `years` changed in the open transaction, written at its end. */
  private dirty: YearRow[] = [];
  private depth = 0;
  /** The counter names of the file (reloaded when another connection may have added some). */
  private readonly names = new CounterNames((name) => {
    this.st.addName.run(name);
    return this.st.nameId.get(name)!;
  });

  private constructor(path: string, options: LedgerOptions) {
    this.path = path;
    this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 30_000 });
    // 8 KiB pages for a new file (an existing one keeps its own): a batch rewrites most person-year
    // pages, and measured over 1M bills this took about 15 % less CPU than 4 KiB pages.
    this.db.pragma('page_size = 8192');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma(`cache_size = -${(options.cacheMb ?? 64) * 1024}`);
    // Reads through a memory map: measured about 15 % less CPU per bill on a 1M-bill ledger
    // (person-year look-ups no longer copy pages through read()); writes still go through the WAL.
    this.db.pragma(`mmap_size = ${(options.mmapMb ?? 1024) * 1048576}`);
    // Checkpoint every 8,192 pages (64 MiB of WAL at 8 KiB pages) instead of 1,000: a person's
    // page, rewritten by many commits, is copied into the database file once per checkpoint.
    this.db.pragma('wal_autocheckpoint = 8192');
    this.db.transaction(() => {
      this.db.exec(LEDGER_SCHEMA);
      const v = this.db.prepare<[], { value: string }>("SELECT value FROM ledger_meta WHERE key = 'schema_version'").get();
      if (v === undefined) this.db.prepare("INSERT INTO ledger_meta (key, value) VALUES ('schema_version', ?)").run(String(LEDGER_SCHEMA_VERSION));
      else if (v.value !== String(LEDGER_SCHEMA_VERSION)) throw new Error(`ledger ${path} has schema version ${v.value}; this engine reads version ${LEDGER_SCHEMA_VERSION}`);
    }).immediate();
    this.st = {
      bill: this.db.prepare('SELECT status, fingerprint, policy, person_id, year, delta, result FROM bill WHERE bill_id = ?'),
      // raw(): rows as arrays, cheaper than objects on this per-bill path.
      person: this.db.prepare<[string, number], [number, Buffer]>('SELECT admissions, counters FROM person_year WHERE person_id = ? AND year = ?').raw(),
      // OR IGNORE: a bill id already there is found by the insert itself (no look-up first).
      insertBill: this.db.prepare(
        "INSERT OR IGNORE INTO bill (bill_id, person_id, year, policy, fingerprint, status, settled_at, delta, result) VALUES (?, ?, ?, ?, ?, 'settled', ?, ?, ?)",
      ),
      insertPerson: this.db.prepare('INSERT INTO person_year (person_id, year, admissions, counters) VALUES (?, ?, ?, ?)'),
      updatePerson: this.db.prepare('UPDATE person_year SET admissions = ?, counters = ? WHERE person_id = ? AND year = ?'),
      // Only a settled bill: a batch settled ahead that reverses one twice is refused (commitWrites).
      markReversed: this.db.prepare("UPDATE bill SET status = 'reversed', reversed_at = ? WHERE bill_id = ? AND status = 'settled'"),
      names: this.db.prepare<[], [number, string]>('SELECT id, name FROM counter_name').raw(),
      addName: this.db.prepare('INSERT OR IGNORE INTO counter_name (name) VALUES (?)'),
      nameId: this.db.prepare<[string], number>('SELECT id FROM counter_name WHERE name = ?').pluck(),
    };
    this.loadNames();
    this.tx = this.db.transaction((fn: () => unknown) => {
      if (this.depth++ === 0) this.now = Date.now();
      try {
        const r = fn();
        this.flushYears();
        if (this.depth === 1) this.years.clear();
        return r;
      } finally {
        this.depth--;
      }
    });
  }

  /** Open (creating if needed) a ledger file. */
  static open(path: string, options: LedgerOptions = {}): Ledger {
    return new Ledger(path, options);
  }

  /** Settle one bill, in one transaction (or in the caller's, inside {@link transaction}). */
  settle(policy: CompiledPolicy, bill: Bill, options: SettleOptions = {}): LedgerOutcome {
    return this.applyOne(policy, { action: 'settle', bill }, options);
  }

  /** Reverse a settled bill (refund or correction), in one transaction (or in the caller's). The policy, if given, names the layers. */
  reverse(billId: string, policy: CompiledPolicy | null = null): LedgerOutcome {
    return this.applyOne(policy, { action: 'reverse', bill_id: billId }, {});
  }

  /** Settle or reverse, in one transaction (or in the caller's, inside {@link transaction}). */
  applyOne(policy: CompiledPolicy | null, request: BillRequest, options: SettleOptions = {}): LedgerOutcome {
    if (!this.db.inTransaction) return this.transaction(() => this.applyOne(policy, request, options));
    return applyIn(this, policy, request, options);
  }

  /**
   * Settle and reverse bills in order, in one transaction: either all of
   * them are recorded or none (a crash leaves the ledger as before the call).
   */
  apply(policy: CompiledPolicy, requests: readonly BillRequest[], options: SettleOptions = {}): LedgerOutcome[] {
    return this.transaction(() => requests.map((r) => this.applyOne(policy, r, options)));
  }

  /**
   * Run `fn` in one write transaction (BEGIN IMMEDIATE): the settlements and
   * reversals it makes are committed together when it returns, or not at all
   * when it throws or the process dies.
   */
  transaction<T>(fn: () => T): T {
    // Nested, it is a savepoint: the file is brought up to date first, so that when the savepoint is
    // undone, the years can be read again from the file.
    if (this.db.inTransaction) this.flushYears();
    try {
      return this.tx.immediate(fn) as T;
    } catch (err) {
      this.forgetYears();
      if (!this.db.inTransaction) this.loadNames(); // names added by the failed transaction are gone
      throw err;
    }
  }

  /** A person's year as the ledger holds it now. */
  usage(personId: string, year: number): Usage {
    if (this.db.inTransaction) {
      const row = this.readYear(personId, year);
      return { admissions: row.admissions, counters: { ...row.counters } };
    }
    const row = this.st.person.get(personId, year);
    return row === undefined ? NO_USAGE : { admissions: row[0], counters: this.decode(row[1]) };
  }

  private loadNames(): void {
    this.names.load(this.st.names.iterate());
  }

  /** Counters from a blob of the file (names another connection added since are read first). */
  private decode(blob: Buffer): Counters {
    return decodeBlob(blob, this.names, () => this.loadNames(), this.path);
  }

  private readonly getPerson = (person: string, year: number): [number, Buffer] | undefined => this.st.person.get(person, year);
  private readonly decodeFn = (blob: Buffer): Counters => this.decode(blob);

  private forgetYears(): void {
    this.years.clear();
    this.dirty = [];
  }

  /** A person's year, in a transaction: from memory, else from the file (and kept until the transaction ends). */
  readYear(person: string, year: number): YearRow {
    return holdYear(this.years, person, year, this.getPerson, this.decodeFn);
  }

  writeYear(row: YearRow, admissions: number, counters: Counters): void {
    row.admissions = admissions;
    row.counters = counters;
    if (!row.dirty) {
      row.dirty = true;
      this.dirty.push(row);
    }
  }

  /**
   * Write the years changed in this transaction, each once, in the order first changed (sorting them
   * by key measured no faster: the look-ups cost the same, and the sort costs about 2 %).
   */
  private flushYears(): void {
    if (this.dirty.length === 0) return;
    const rows = this.dirty;
    this.dirty = [];
    for (const r of rows) {
      r.dirty = false;
      this.putYear(r.person, r.year, r.admissions, r.counters, r.inDb);
      r.inDb = true;
    }
  }

  /** Write a person's year: update the row (false when it is not there) or insert it. */
  private putYear(person: string, year: number, admissions: number, counters: Counters, inFile: boolean): boolean {
    const blob = encodeCounters(counters, this.names);
    if (inFile) return this.st.updatePerson.run(admissions, blob, person, year).changes === 1;
    this.st.insertPerson.run(person, year, admissions, blob);
    return true;
  }

  /** The stored settlement of a bill and its status, if the ledger has it. */
  storedBill(billId: string, policy: CompiledPolicy | null = null): { status: 'settled' | 'reversed'; settlement: Settlement } | undefined {
    const row = this.st.bill.get(billId);
    return row === undefined ? undefined : { status: row.status, settlement: unpackResult(row, this.decode(row.delta), billId, policy) };
  }

  /**
   * Check that every person's totals equal the sum of what their settled
   * (not reversed) bills added. Scans the whole ledger.
   */
  verify(): { ok: boolean; persons: number; bills: number; problems: string[] } {
    this.flushYears();
    const sums = new Map<string, { admissions: number; counters: Counters }>();
    let bills = 0;
    for (const row of this.db.prepare<[], { person_id: string; year: number; delta: Buffer }>("SELECT person_id, year, delta FROM bill WHERE status = 'settled'").iterate()) {
      bills++;
      const k = `${row.person_id}\u0000${row.year}`;
      let s = sums.get(k);
      if (s === undefined) sums.set(k, (s = { admissions: 0, counters: {} }));
      s.admissions++;
      addCounters(s.counters, this.decode(row.delta), 1);
    }
    const problems: string[] = [];
    let persons = 0;
    for (const row of this.db.prepare<[], { person_id: string; year: number; admissions: number; counters: Buffer }>('SELECT person_id, year, admissions, counters FROM person_year').iterate()) {
      persons++;
      const k = `${row.person_id}\u0000${row.year}`;
      const want = sums.get(k) ?? { admissions: 0, counters: {} };
      sums.delete(k);
      if (row.admissions !== want.admissions) problems.push(`${row.person_id} ${row.year}: ${row.admissions} admissions recorded, ${want.admissions} settled bills`);
      const have = this.decode(row.counters);
      for (const c of new Set([...Object.keys(have), ...Object.keys(want.counters)])) {
        if ((have[c] ?? 0) !== (want.counters[c] ?? 0)) problems.push(`${row.person_id} ${row.year}: ${c} is ${have[c] ?? 0}, its bills add up to ${want.counters[c] ?? 0}`);
      }
    }
    for (const k of sums.keys()) problems.push(`${k.replace('\u0000', ' ')}: settled bills but no totals`);
    return { ok: problems.length === 0, persons, bills, problems };
  }

  /** Counts of bills by status and of person-years. */
  stats(): { settled: number; reversed: number; personYears: number } {
    this.flushYears();
    const by = this.db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM bill GROUP BY status').all();
    const personYears = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM person_year').get()!.n;
    return { settled: by.find((r) => r.status === 'settled')?.n ?? 0, reversed: by.find((r) => r.status === 'reversed')?.n ?? 0, personYears };
  }

  close(): void {
    this.db.close();
  }

  /**
   * SQLite's `PRAGMA data_version` of this connection: it changes when
   * another connection (another process, or another thread) commits.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * Commit a batch settled ahead by a {@link SpeculativeLedger}: in one write
   * transaction, if no other connection has committed since `expectVersion`
   * (its {@link dataVersion} before the batch's reads began), every bill id it
   * inserts is new, every bill it reverses is still settled and every year it
   * updates is there. Returns false, having written nothing, when one fails:
   * the batch must then be settled again under the lock.
   */
  commitWrites(w: WriteSet, expectVersion: number): boolean {
    try {
      return this.transaction(() => {
        if (this.dataVersion() !== expectVersion) throw CONFLICT;
        const r = new WriteSetReader(w);
        for (let op = r.num(); op !== OP_END; op = r.num()) {
          if (op === OP_REVERSE) {
            if (this.st.markReversed.run(this.now, r.text()).changes !== 1) throw CONFLICT;
            continue;
          }
          const fingerprint = r.num(), year = r.num();
          const delta = r.counters();
          const id = r.text(), person = r.text();
          if (this.st.insertBill.run(id, person, year, w.policy, fingerprint, this.now, encodeCounters(delta, this.names), r.text()).changes !== 1) throw CONFLICT;
        }
        while (!r.done) {
          const year = r.num(), admissions = r.num(), inFile = r.num() === 1;
          const counters = r.counters();
          if (!this.putYear(r.text(), year, admissions, counters, inFile)) throw CONFLICT;
        }
        return true;
      });
    } catch (err) {
      if (err === CONFLICT || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return false;
      throw err;
    }
  }

  /** Store: insert the bill; its id already there is found by the insert itself (no look-up first). */
  insertBill(bill: Bill, policyId: string, fingerprint: number, s: Settlement): boolean {
    return this.st.insertBill.run(bill.bill_id, bill.person_id, bill.year, policyId, fingerprint, this.now, encodeCounters(s.delta, this.names), packResult(s)).changes === 1;
  }

  findBill(billId: string): StoredBill | undefined {
    const row = this.st.bill.get(billId);
    return row === undefined ? undefined : { ...row, delta: this.decode(row.delta) };
  }

  markReversed(billId: string): void {
    this.st.markReversed.run(this.now, billId);
  }
}

/** Settle or reverse one request against a store (see {@link Ledger.applyOne}). */
export function applyIn(store: LedgerStore, policy: CompiledPolicy | null, request: BillRequest, options: SettleOptions): LedgerOutcome {
  if (request.action === 'reverse') return reverseIn(store, policy, request.bill_id);
  if (policy === null) throw new TypeError('settling a bill needs a policy');
  return settleIn(store, policy, request.bill, options);
}

function settleIn(store: LedgerStore, policy: CompiledPolicy, bill: Bill, options: SettleOptions): LedgerOutcome {
  const fingerprint = billFingerprint(bill);
  const usage = store.readYear(bill.person_id, bill.year);
  const r = settleBill(policy, bill, usage, options);
  const s = r.ok ? r.settlement : null;
  // Settled already? The insert tells (a replay is rare; its settlement above is discarded).
  const inserted = s !== null && store.insertBill(bill, policy.id, fingerprint, s);
  if (!inserted) {
    const stored = store.findBill(bill.bill_id);
    if (stored !== undefined) {
      if (stored.policy !== policy.id) return rejected(bill.bill_id, 'bill_id.conflict', `bill ${bill.bill_id} was settled under policy ${stored.policy}, not ${policy.id}`);
      if (stored.fingerprint !== fingerprint) return rejected(bill.bill_id, 'bill_id.conflict', `bill ${bill.bill_id} was already settled with different content: reverse it and settle the correction under a new bill_id`);
      return { status: 'replayed', settlement: unpackResult(stored, stored.delta, bill.bill_id, policy), reversedSince: stored.status === 'reversed' };
    }
    if (!r.ok) return { status: 'rejected', billId: bill.bill_id, problem: r.problem };
    throw new Error(`bill ${bill.bill_id} was neither inserted nor found in the ledger`);
  }
  // In place: the year's counters object belongs to the store (usage() hands out copies), and
  // keys keep the order a copy would have, so the blob written is the same.
  addCounters(usage.counters, s.delta, 1);
  store.writeYear(usage, usage.admissions + 1, usage.counters);
  return { status: 'settled', settlement: s };
}

function reverseIn(store: LedgerStore, policy: CompiledPolicy | null, billId: string): LedgerOutcome {
  const stored = store.findBill(billId);
  if (stored === undefined) return rejected(billId, 'bill_id.unknown', `bill ${billId} is not in the ledger: nothing to reverse`);
  const delta = stored.delta;
  const settlement = unpackResult(stored, delta, billId, policy);
  if (stored.status === 'reversed') return { status: 'reversed', settlement, replayed: true };
  const usage = store.readYear(stored.person_id, stored.year);
  if (!usage.inDb && !usage.dirty) throw new Error(`ledger ${store.path}: bill ${billId} is settled but ${stored.person_id} has no totals for ${stored.year}`);
  const counters = { ...usage.counters };
  addCounters(counters, delta, -1);
  // The bill is marked first: if that fails, the year in memory is still as the file has it.
  store.markReversed(billId);
  store.writeYear(usage, usage.admissions - 1, counters);
  return { status: 'reversed', settlement, replayed: false };
}


/** Thrown inside {@link Ledger.commitWrites} to roll its transaction back. */
const CONFLICT = new Error('the batch conflicts with the ledger');

function rejected(billId: string, code: string, message: string): LedgerOutcome {
  return { status: 'rejected', billId, problem: { code, field: 'bill_id', message } };
}

function addCounters(into: Counters, delta: Readonly<Counters>, sign: 1 | -1): void {
  for (const k in delta) {
    const v = (into[k] ?? 0) + sign * delta[k]!;
    if (v === 0) delete into[k];
    else into[k] = v;
  }
}

/**
 * The stored form of a settlement: positional JSON of the values that cannot
 * be derived, without what the bill row already holds (ids, year, policy,
 * the delta), layer names (the policy has them), or layers that did not
 * apply: about 100 bytes a bill instead of about a kilobyte, which matters
 * because writing the ledger is most of the cost of settling.
 *
 *   [method, rule, admission, total, not_charged, out_of_scope, pre_self_pay,
 *    standard, basis, extra_fund, [[layer id, paid, deductible, ratio, note?, bands?], …]]
 *
 * with bands as [from, to, ratio, amount, pays]. in_scope, covered, patient
 * and hospital_difference are recomputed exactly as settleBill computes them.
 */
export function packResult(s: Settlement): string {
  let layers = '';
  for (const l of s.layers) {
    if (l.note === NOT_ELIGIBLE) continue;
    let entry = `[${jsonText(l.id)},${l.paid},${l.deductible},"${l.ratio}"`;
    if (l.note !== '' || l.bands.length > 0) entry += `,${jsonText(l.note)}`;
    if (l.bands.length > 0) {
      let bands = '';
      for (const b of l.bands) bands += `${bands === '' ? '' : ','}[${b.from},${b.to},"${b.ratio}",${b.amount},${b.pays}]`;
      entry += `,[${bands}]`;
    }
    layers += `${layers === '' ? '' : ','}${entry}]`;
  }
  return `[${jsonText(s.method)},${jsonText(s.rule)},${s.admission},${s.total},${s.notCharged},${s.outOfScope},${s.preSelfPay},${s.standard},${s.basis},${s.extraFund},[${layers}]]`;
}

/**
 * JSON.stringify of a text, remembered: packResult quotes the same few method, rule, layer and note
 * texts for every bill. The memo is emptied when it grows past a few hundred texts.
 */
function jsonText(text: string): string {
  let j = jsonMemo.get(text);
  if (j === undefined) {
    if (jsonMemo.size >= 512) jsonMemo.clear();
    jsonMemo.set(text, (j = JSON.stringify(text)));
  }
  return j;
}
const jsonMemo = new Map<string, string>();

type PackedLayer = [string, Fen, Fen, string, string?, [Fen, Fen | null, string, Fen, Fen][]?];
type Packed = [string, string, number, Fen, Fen, Fen, Fen, Fen | null, Fen, Fen, PackedLayer[]];

function unpackResult(row: Pick<StoredBill, 'result' | 'person_id' | 'year' | 'policy'>, delta: Counters, bill: string, policy: CompiledPolicy | null): Settlement {
  const p = JSON.parse(row.result) as Packed;
  const stored = new Map(p[10].map((l) => [l[0], l]));
  // The policy's layers in order (those not stored did not apply), then any stored layer the policy lacks.
  const ids = policy === null ? [...stored.keys()] : [...new Set([...policy.layers.map((l) => l.id), ...stored.keys()])];
  let covered = 0;
  const layers: LayerOutcome[] = ids.map((id) => {
    const meta = policy?.layers.find((x) => x.id === id) ?? { kind: id, name: id };
    const l = stored.get(id);
    if (l === undefined) return { id, kind: meta.kind, name: meta.name, paid: 0 as Fen, deductible: 0 as Fen, ratio: '', bands: [], note: NOT_ELIGIBLE, delta: {} };
    covered += l[1];
    return {
      id, kind: meta.kind, name: meta.name, paid: l[1], deductible: l[2], ratio: l[3], note: l[4] ?? '',
      bands: (l[5] ?? []).map(([from, to, r, amount, pays]) => ({ from, to, ratio: r, amount, pays })),
      delta: {},
    };
  });
  const [method, rule, admission, total, notCharged, outOfScope, preSelfPay, standard, basis, extraFund] = p;
  const patient = (outOfScope + preSelfPay + basis - covered) as Fen;
  return {
    billId: bill, personId: row.person_id, year: row.year, policy: row.policy, method, rule, admission,
    total, notCharged, outOfScope, preSelfPay, inScope: (total - outOfScope - preSelfPay) as Fen, standard, basis, extraFund,
    layers, covered: covered as Fen, patient, hospitalDifference: (patient + covered + extraFund - (total - notCharged)) as Fen,
    delta,
  };
}

