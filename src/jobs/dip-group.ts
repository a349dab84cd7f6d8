/**
 * The `dip-group` job: a batch of CSV case records in, one scored row per
 * case out.
 *
 *   records → cases (fused reader, or rows + CaseDecoder) → prepared codes →
 *   DIP group (matcher) → score (adjustments, deviation) → CSV / JSON lines
 *
 * Batches of single-line records take the fused path: the CHS-DRG job's FusedReader
 * splits and checks each line, and codes are looked up straight from ranges
 * of the line. Any line it is unsure about goes through the generic decoder,
 * which is the one source of messages about bad data; a test holds both
 * paths byte-identical.
 *
 * DIP-only input: an optional `icu_days` column (whole days in ICU, for the
 * ICU auxiliary subtypes), found by header name.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import { type Case, type CaseField, splitCodes } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { ByteArena, ByteWriter } from '../io/bytes.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine, visitRecord } from '../io/rows.js';
import { Decimal, formatYuan, roundFen } from '../money.js';
import { unitsText } from '../payment/dip/exact.js';
import { DipScorer, type ScoreRow } from '../payment/dip/score.js';
import type { AdjustInput } from '../payment/dip/adjust/index.js';
import {
  groupPreparedDip,
  loadDirectorySync,
  matchPrepared,
  prepareArrays,
  prepareCodes,
  PreparedCodes,
  restoreDirectory,
  type CompiledDirectory,
  type DirectorySnapshot,
  type CompiledGroup,
  type DipNote,
  type MatchKind,
  MatchOutcome,
} from '../../groupers/dip/index.js';
import { checkedFen, FusedReader } from './group-fast.js';

export type DipOutputFormat = 'csv' | 'jsonl';

const MATCH_KINDS: readonly MatchKind[] = ['full', 'related', 'main', 'conservative', 'comprehensive'];
const MATCH_INDEX = Object.fromEntries(MATCH_KINDS.map((k, i) => [k, i])) as Record<MatchKind, number>;

/** Everything a dip-group job needs, as plain data. */
export interface DipGroupJobSpec extends JobSpecBase {
  readonly kind: 'dip-group';
  /** Directory folder (resolved). */
  readonly directory: string;
  /**
   * The directory as the main thread loaded, checked and compiled it: worker threads
   * restore it from this instead of reading and compiling the folder each.
   */
  readonly compiled?: DirectorySnapshot;
  readonly format: DipOutputFormat;
  readonly trace: boolean;
  /** Send malformed rows to the rejects stream instead of the output. */
  readonly rejects: boolean;
  readonly columns: readonly (readonly [string, CaseField])[];
  /** Point value (yuan per score point) overriding the directory's, as decimal text; null for the directory's. */
  readonly pointValue: string | null;
}

/** Extra DIP columns, matched by header name (trimmed, case-insensitive). */
export const ICU_DAYS_COLUMN = 'icu_days';

/**
 * Counters: read = grouped + ungrouped + invalid + rejected (blank lines
 * apart); grouped = core + comprehensive = normal + low + high + extreme +
 * no_cost.
 */
export const DIP_COUNTERS = ['read', 'grouped', 'ungrouped', 'invalid', 'rejected', 'blank', 'core', 'comprehensive', 'normal', 'low', 'high', 'extreme', 'no_cost'] as const;
type Counter = (typeof DIP_COUNTERS)[number];
const C = Object.fromEntries(DIP_COUNTERS.map((k, i) => [k, i])) as Record<Counter, number>;
/** Counter index per deviation, as a small map with fixed keys (a hot-path look-up). */
const DEVIATION_COUNTER = { normal: C.normal, low: C.low, high: C.high, extreme: C.extreme, no_cost: C.no_cost };

export const DIP_COLUMNS = ['id', 'status', 'group', 'group_name', 'kind', 'match', 'subtype', 'coefficient', 'base_score', 'score', 'deviation', 'payment', 'reasons', 'warnings', 'detail'] as const;

export function dipGroupHead(spec: Pick<DipGroupJobSpec, 'format' | 'trace'>): string {
  if (spec.format !== 'csv') return '';
  return csvLine(spec.trace ? [...DIP_COLUMNS, 'trace'] : DIP_COLUMNS);
}

/** Position of a header column by name (trimmed, case-insensitive), or -1. */
export function headerPosition(header: readonly string[], name: string): number {
  return header.findIndex((h) => h.trim().replace(/^\uFEFF/, '').toLowerCase() === name);
}

/** A case as the adjustments read it; secondary diagnoses are split only when a subtype asks. */
export class DipCaseInput implements AdjustInput {
  age: number | null = null;
  ageDays: number | null = null;
  los: number | null = null;
  discharge: number | null = null;
  icuDays: number | null = null;
  hospitalLevel: number | null = null;
  private dxText = '';
  private dxFrom = 0;
  private dxTo = 0;
  private list: readonly string[] | null = null;

  fromCase(c: Case, icuDays: number | null): this {
    this.age = c.age;
    this.ageDays = c.age_days;
    this.los = c.los;
    this.discharge = c.discharge;
    this.hospitalLevel = c.hospital_level;
    this.icuDays = icuDays;
    this.list = c.diagnoses.slice(1);
    return this;
  }

  /** Numbers as FusedReader reads them (NaN: empty), diagnoses as a range of the line. */
  fromLine(values: Float64Array, icuDays: number | null, text: string, dxFrom: number, dxTo: number): this {
    this.age = orNull(values[1]!);
    this.ageDays = orNull(values[2]!);
    this.los = orNull(values[4]!);
    this.discharge = orNull(values[5]!);
    this.hospitalLevel = orNull(values[7]!);
    this.icuDays = icuDays;
    this.dxText = text;
    this.dxFrom = dxFrom;
    this.dxTo = dxTo;
    this.list = null;
    return this;
  }

  get secondary(): readonly string[] {
    this.list ??= splitCodes(this.dxText.slice(this.dxFrom, this.dxTo)).slice(1);
    return this.list;
  }
}

/** Extend a cache array to hold index i (filling with undefined keeps it a fast array; a far write would not) and return i. */
function grow<T>(a: (T | undefined)[], i: number): number {
  while (a.length <= i) a.push(undefined);
  return i;
}

/** FusedReader's NaN (empty) as null. */
const orNull = (x: number): number | null => (x === x ? x : null);

/** A whole number of ICU days: null when empty, undefined when not a whole number. */
function parseIcuDays(s: string): number | null | undefined {
  const t = s.trim();
  if (t === '') return null;
  return /^\d{1,5}$/.test(t) ? Number(t) : undefined;
}

/** Digits-only text[a, b) (at most 5) as a number, -1 when empty, -2 otherwise (the generic path decides). */
function icuAt(text: string, a: number, b: number): number {
  if (a === b) return -1;
  if (b - a > 5) return -2;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -2;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** A grouped and scored case, as the settle job aggregates it. */
export interface ScoredCase {
  readonly case: Case;
  /** The row's cells (for extra columns). */
  readonly cells: readonly string[];
  readonly line: number;
  readonly group: string;
  /** The score in units of 10^-case_score_decimals. */
  readonly units: number;
  readonly deviation: string | null;
  /** Standard cost, whole fen. */
  readonly standard: number;
}

/** Told about every scored case of a run (the settle job aggregates through it), in input order within a batch. */
export interface ScoredCaseSink {
  scored(s: ScoredCase): void;
}

/** One output row, as text cells (the detailed path; the fast path writes the same cells as bytes). */
interface DipRow {
  readonly cells: readonly string[];
  readonly json: Record<string, unknown>;
}

export class DipGroupJob implements BatchJob {
  readonly directory: CompiledDirectory;
  readonly decoder: CaseDecoder;
  readonly scorer: DipScorer;
  private readonly fused: FusedReader | null;
  private readonly sink: ScoredCaseSink | null;
  private readonly bytes = new ByteWriter(1 << 20);
  private readonly prepared = new PreparedCodes();
  private readonly input = new DipCaseInput();
  private readonly outcome = new MatchOutcome();
  private readonly notes: DipNote[] = [];
  private readonly detailed: boolean;
  private readonly icuAt: number;
  private readonly dxAt: number;
  private readonly pxAt: number;
  private readonly costAt: number;
  private readonly tally = new Float64Array(DIP_COUNTERS.length);
  /** Cells of the current row on the generic path (for the sink). */
  private cells: readonly string[] = [];
  /** Where the cached row parts below live: a few large buffers rather than one per part (tens of thousands). */
  private readonly arena = new ByteArena();
  /** Encoded row parts per profile × match kind (see one): whole rows after the id for normal cases, status … base_score for the others. */
  private readonly heads: (Uint8Array | undefined)[] = [];
  private readonly normalRows: (Uint8Array | undefined)[] = [];
  /** A normal row per memo key (see DipScorer.keyOf) and the match kind it was made for. */
  private readonly keyRows: (Uint8Array | undefined)[] = [];
  private readonly keyRowKinds: (number | undefined)[] = [];
  /** Base score text per group, made once. */
  private readonly baseScoreText: readonly string[];

  /**
   * A directory already loaded in this thread may be passed in; `fused: false`
   * forces the generic path (tests); a `sink` is told about every case (and
   * implies the generic path, which has whole cases).
   */
  constructor(
    readonly spec: DipGroupJobSpec,
    loaded: { directory?: CompiledDirectory; fused?: boolean; sink?: ScoredCaseSink } = {},
  ) {
    this.directory = loaded.directory ?? (spec.compiled !== undefined ? restoreDirectory(spec.compiled) : loadDirectorySync(spec.directory));
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.scorer = new DipScorer(this.directory, spec.pointValue ?? undefined);
    this.sink = loaded.sink ?? null;
    this.fused = loaded.fused === false || this.sink !== null ? null : FusedReader.for(this.decoder);
    this.detailed = spec.trace || spec.format !== 'csv';
    const mapped = new Set(spec.columns.map(([k]) => k.toLowerCase()));
    this.icuAt = mapped.has(ICU_DAYS_COLUMN) ? -1 : headerPosition(spec.header, ICU_DAYS_COLUMN);
    this.dxAt = this.decoder.positionsOf('diagnoses')[0] ?? -1;
    this.pxAt = this.decoder.positionsOf('procedures')[0] ?? -1;
    this.costAt = this.decoder.positionsOf('total_cost')[0] ?? -1;
    this.baseScoreText = this.directory.groups.map((g) => g.score.toFixed());
  }

  head(): string {
    return dipGroupHead(this.spec);
  }

  run(batch: RecordBatch, lend = false): BatchOutput {
    // Counted in a typed array by index (a keyed object costs a dictionary look-up per case).
    const counts = this.tally.fill(0);
    const out = { text: '', rejects: '' };
    const generic: RowVisitor = {
      row: (line, cells) => this.genericRow(line, cells, counts, out),
      blank: () => {
        counts[C.blank]!++;
      },
      bad: (line, raw, code, message) => {
        counts[C.read]!++;
        if (this.spec.rejects) {
          counts[C.rejected]!++;
          out.rejects += csvLine([String(line), code, message, raw]);
        } else {
          this.invalid(line, firstCell(raw), [{ code, message }], counts, out);
        }
      },
    };
    const fused = this.fused;
    if (fused !== null && !batch.multiline) {
      const width = this.decoder.width;
      fused.each(batch, this.spec.newline, {
        clean: (line, id) => {
          const t = fused.text;
          let icu: number | null = null;
          if (this.icuAt >= 0) {
            const v = icuAt(t, fused.cellStart(this.icuAt), fused.cellEnd(this.icuAt));
            if (v === -2) {
              visitQuoteFreeLine(line, t.slice(fused.cellStart(0), fused.cellEnd(width - 1)), width, generic);
              return;
            }
            icu = v === -1 ? null : v;
          }
          const dxA = this.dxAt >= 0 ? fused.cellStart(this.dxAt) : 0;
          const dxB = this.dxAt >= 0 ? fused.cellEnd(this.dxAt) : 0;
          const pxA = this.pxAt >= 0 ? fused.cellStart(this.pxAt) : 0;
          const pxB = this.pxAt >= 0 ? fused.cellEnd(this.pxAt) : 0;
          prepareCodes(this.directory, t, dxA, dxB, t, pxA, pxB, this.prepared, this.detailed);
          const cost = this.costAt >= 0 ? checkedFen(t, fused.cellStart(this.costAt), fused.cellEnd(this.costAt)) : null;
          this.input.fromLine(fused.values, icu, t, dxA, dxB);
          counts[C.read]!++;
          this.one(line, id, cost, counts, out, null);
        },
        slow: (line, lineText, quoted) => (quoted ? visitRecord(line, lineText.endsWith('\r') ? lineText.slice(0, -1) : lineText, width, this.spec.newline, generic) : visitQuoteFreeLine(line, lineText, width, generic)),
      });
    } else {
      parseBatch(batch, this.decoder.width, this.spec.newline, generic);
    }
    const named: Counts = {};
    DIP_COUNTERS.forEach((k, i) => (named[k] = counts[i]!));
    return { out: this.detailed ? out.text : this.bytes.take(lend), rejects: out.rejects, counts: named };
  }

  private genericRow(line: number, cells: string[], counts: Float64Array, out: { text: string }): void {
    counts[C.read]!++;
    const { case: c, problems } = this.decoder.decode(cells);
    const notes: DipNote[] = (problems ?? []).map((p) => ({ code: p.code, field: p.field, message: `line ${line}: ${p.message}` }));
    let icu: number | null | undefined = null;
    if (this.icuAt >= 0) {
      const cell = cells[this.icuAt]!;
      icu = parseIcuDays(cell);
      if (icu === undefined) notes.push({ code: 'icu_days.not_a_number', field: ICU_DAYS_COLUMN, message: `line ${line}: icu_days "${cell.trim()}" is not a whole number of days` });
    }
    if (notes.length > 0) {
      this.invalid(line, c.id, notes, counts, out);
      return;
    }
    prepareArrays(this.directory, c.diagnoses, c.procedures, this.prepared, this.detailed);
    this.input.fromCase(c, icu ?? null);
    this.cells = cells;
    this.one(line, c.id, c.total_cost, counts, out, c);
  }

  /** Group, score and write one case whose codes are prepared and input filled (`read` already counted). */
  private one(line: number, id: string, cost: number | null, counts: Float64Array, out: { text: string }, c: Case | null): void {
    const d = this.directory;
    const p = this.prepared;
    if (this.detailed || p.principalState !== 'ok') {
      this.oneDetailed(line, id, cost, counts, out, c);
      return;
    }
    const m = matchPrepared(d, p, cost, null, this.outcome);
    if (m.group < 0) {
      this.oneDetailed(line, id, cost, counts, out, c);
      return;
    }
    // Hot path: a grouped case written straight to bytes, with the same cells as oneDetailed gives.
    const g = d.groups[m.group]!;
    const notes = this.notes;
    if (notes.length !== 0) notes.length = 0;
    const scorer = this.scorer;
    const key = scorer.keyOf(g, this.input, notes);
    counts[C.grouped]!++;
    counts[g.kind === 'comprehensive' ? C.comprehensive : C.core]!++;
    const w = this.bytes;
    w.field(id);
    const kind = MATCH_INDEX[m.match!];
    if (notes.length === 0 && this.sink === null && scorer.isNormalKey(key, cost)) {
      // The commonest row: everything after the id is one cached byte string, found by the
      // memo key (the last match kind seen for it); the profile itself is not read.
      counts[C.normal]!++;
      const row = this.keyRows[key];
      w.raw(row !== undefined && this.keyRowKinds[key] === kind ? row : this.keyRow(key, kind, g, m.match!, cost));
      return;
    }
    // The cells from status to base_score depend only on the profile and the match kind, and
    // a normal case's score, deviation and payment on the profile: each is encoded once.
    const pid = scorer.idOfKey(g, key);
    const slot = pid * MATCH_KINDS.length + kind;
    const s = scorer.scoreProfile(pid, cost, notes, false);
    counts[DEVIATION_COUNTER[s.deviation ?? 'no_cost']]!++;
    if (s.deviation === 'normal' && notes.length === 0) {
      w.raw(this.normalRows[slot] ?? this.normalRow(slot, g, m.match!, pid, cost));
    } else {
      let head = this.heads[slot];
      if (head === undefined) head = this.heads[grow(this.heads, slot)] = this.arena.add(this.headText(g, m.match!, s));
      w.raw(head);
      // Score and payment written from their numbers (the texts scoreProfile was not asked for).
      if (s.units >= 0 && Number.isSafeInteger(s.units)) w.decimal(s.units, scorer.decimals);
      else w.ascii(unitsText(s.units, scorer.decimals));
      w.byte(44);
      if (s.deviation !== null) w.ascii(s.deviation);
      w.byte(44);
      w.yuan(s.paymentFen);
      w.byte(44);
      if (notes.length === 0) {
        w.ascii(',,\n');
      } else {
        w.byte(44);
        w.field(codes(notes));
        w.byte(44);
        w.field(messages(notes));
        w.byte(10);
      }
    }
    if (c !== null) this.sink?.scored({ case: c, cells: this.cells, line, group: g.code, units: s.units, deviation: s.deviation, standard: s.standardFen });
  }

  /** {@link normalRow} by memo key and match kind, remembered for the key. */
  private keyRow(key: number, kind: number, g: CompiledGroup, match: MatchKind, cost: number | null): Uint8Array {
    const pid = this.scorer.idOfKey(g, key);
    const slot = pid * MATCH_KINDS.length + kind;
    const row = this.normalRows[slot] ?? this.normalRow(slot, g, match, pid, cost);
    this.keyRows[grow(this.keyRows, key)] = row;
    this.keyRowKinds[grow(this.keyRowKinds, key)] = kind;
    return row;
  }

  /** Everything after the id of a normal case's row without warnings (which depends only on the profile and match kind), encoded once. */
  private normalRow(slot: number, g: CompiledGroup, match: MatchKind, pid: number, cost: number | null): Uint8Array {
    const s = this.scorer.scoreProfile(pid, cost, null);
    return (this.normalRows[grow(this.normalRows, slot)] = this.arena.add(`${this.headText(g, match, s)}${s.scoreText},normal,${s.paymentText},,,\n`));
  }

  /** The cells from status to base_score (and the comma after it), which depend only on the profile and match kind. */
  private headText(g: CompiledGroup, match: MatchKind, s: ScoreRow): string {
    return `,${csvLine(['grouped', g.code, g.name, g.kind, match, s.subtype ?? '', s.coefficientText, this.baseScoreText[g.index]!, '']).slice(0, -1)}`;
  }

  /** Any case, through the result objects (traces, JSON lines, invalid and ungrouped rows). */
  private oneDetailed(line: number, id: string, cost: number | null, counts: Float64Array, out: { text: string }, c: Case | null): void {
    const d = this.directory;
    const trace = this.spec.trace;
    const r = groupPreparedDip(d, this.prepared, id, cost, trace);
    const steps = [...(r.trace ?? [])];
    counts[C[r.status]]!++;
    if (r.group === null) {
      this.write({ cells: [id, r.status, '', '', '', '', '', '', '', '', '', '', codes(r.reasons), '', messages(r.reasons)], json: { line, id, status: r.status, subcategory: r.subcategory, category: r.category, procedure_type: r.procedureType, reasons: r.reasons, warnings: [] } }, steps, out);
      return;
    }
    const g = r.group;
    counts[g.kind === 'comprehensive' ? C.comprehensive : C.core]!++;
    const s = this.scorer.score(g, this.input, cost, trace);
    counts[DEVIATION_COUNTER[s.deviation ?? 'no_cost']]!++;
    steps.push(...(s.trace ?? []));
    const score = s.score.toFixed();
    const payment = formatYuan(s.payment);
    const cells = [id, 'grouped', g.code, g.name, g.kind, r.match!, s.subtype ?? '', s.coefficient.toFixed(), g.score.toFixed(), score, s.deviation ?? '', payment, '', codes(s.warnings), messages(s.warnings)];
    this.write(
      {
        cells,
        json: {
          line,
          id,
          status: r.status,
          group: g.code,
          group_name: g.name,
          kind: g.kind,
          match: r.match,
          related_matched: r.relatedMatched,
          related_total: r.relatedTotal,
          subcategory: r.subcategory,
          category: r.category,
          procedure_type: r.procedureType,
          base_score: g.score.toFixed(),
          subtype: s.subtype,
          subtype_coefficient: s.subtypeCoefficient.toFixed(),
          hospital_coefficient: s.hospitalCoefficient.toFixed(),
          coefficient: s.coefficient.toFixed(),
          adjusted_score: s.adjustedScore.toFixed(),
          standard_cost: formatYuan(roundFen(s.standardCost)),
          ratio: s.ratio === null ? null : s.ratio.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(),
          deviation: s.deviation,
          score,
          payment,
          reasons: [],
          warnings: s.warnings,
        },
      },
      steps,
      out,
    );
    if (c !== null) this.sink?.scored({ case: c, cells: this.cells, line, group: g.code, units: this.scorer.units(s.score), deviation: s.deviation, standard: roundFen(s.standardCost) });
  }

  private invalid(line: number, id: string, reasons: readonly DipNote[], counts: Float64Array, out: { text: string }): void {
    counts[C.invalid]!++;
    this.write({ cells: [id, 'invalid', '', '', '', '', '', '', '', '', '', '', codes(reasons), '', messages(reasons)], json: { line, id, status: 'invalid', reasons, warnings: [] } }, [], out);
  }

  private write(row: DipRow, steps: readonly string[], out: { text: string }): void {
    if (this.spec.format === 'jsonl') {
      out.text += `${JSON.stringify(this.spec.trace ? { ...row.json, trace: steps } : row.json)}\n`;
    } else if (this.detailed) {
      out.text += csvLine([...row.cells, steps.map((t, i) => `${i + 1}. ${t}`).join('\n')]);
    } else {
      const w = this.bytes;
      row.cells.forEach((cell, i) => {
        if (i > 0) w.byte(44);
        w.field(cell);
      });
      w.byte(10);
    }
  }
}

const codes = (notes: readonly DipNote[]): string => notes.map((n) => n.code).join('|');
const messages = (notes: readonly DipNote[]): string => notes.map((n) => n.message).join('; ');

function firstCell(raw: string): string {
  const comma = raw.indexOf(',');
  const cell = (comma === -1 ? raw : raw.slice(0, comma)).trim();
  return cell.startsWith('"') ? '' : cell;
}
