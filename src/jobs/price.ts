/**
 * The `price` job: group each case, then price it under a region's policy
 * and weight table.
 *
 *   records → rows → case (+ patient share, review flag) → group → price → CSV
 *
 * Clean quote-free lines take the group job's fused reader (no cell arrays or
 * case objects); every other line takes the generic decoder. Both paths end
 * in the same `emit`, so their output is byte-identical (a test holds it so).
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { Case, CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { ByteWriter, copyRun, digitsInto, plainInto } from '../io/bytes.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch, type RowVisitor } from '../io/rows.js';
import { parseYuan } from '../money.js';
import { groupCase, groupPrepared, loadSchemeSync, resultSlot, type CompiledScheme, type GroupResult, type Note } from '../../groupers/chs-drg/index.js';
import { loadWeightTable, weightTableFromRows, type WeightRows, type WeightTable } from '../../weights/table.js';
import { loadPolicy, type Policy } from '../payment/policy.js';
import { Pricer, type PriceInput, type PriceNote, type PriceResult } from '../payment/price.js';
import { OUTLIER_CLASSES, type GroupTerms, type OutlierClass } from '../payment/types.js';
import { checkedFen, FusedReader, genericLine } from './group-fast.js';
import { firstCell, invalidResult } from './group.js';

export interface PriceJobSpec extends JobSpecBase {
  readonly kind: 'price';
  /** Scheme folder, weight table and policy files (resolved paths). */
  readonly scheme: string;
  readonly weights: string;
  readonly policy: string;
  /** The weight table's rows, validated where the spec was made: used instead of reading `weights` again. */
  readonly weightRows?: WeightRows;
  readonly trace: boolean;
  /** Send malformed rows to the rejects stream instead of the output. */
  readonly rejects: boolean;
  readonly columns: readonly (readonly [string, CaseField])[];
  /** Header name of the patient policy share column (yuan), or null. */
  readonly shareColumn: string | null;
  /** Header name of the special-review flag column, or null. */
  readonly reviewColumn: string | null;
}

/** Counters: read = priced classes + unpriced + rejected; payment and fund totals in fen. */
export const zeroPriceCounts = (): Counts => {
  const c: Counts = { read: 0 };
  for (const k of OUTLIER_CLASSES) c[k] = 0;
  Object.assign(c, { unpriced: 0, rejected: 0, blank: 0, payment_fen: 0, fund_fen: 0, review_flagged: 0 });
  return c;
};

/** Output columns; point columns only under the point method. */
export function priceColumns(method: Policy['method'], trace: boolean): string[] {
  const pts = method === 'points';
  return [
    'id', 'status', 'drg', 'drg_name', 'hospital_id', 'hospital_level', 'discharge_date', 'los', 'total_cost',
    'rw', 'coefficient', 'standard', ...(pts ? ['standard_points'] : []),
    'outlier_class', 'pay_mode', ...(pts ? ['points'] : []), 'payment', 'patient_share', 'fund_payment',
    'review', 'fallback_class', ...(pts ? ['fallback_points'] : []), 'fallback_payment',
    'reasons', 'detail', ...(trace ? ['trace'] : []),
  ];
}

/** Slots of the per-batch tally: the classes (in OUTLIER_CLASSES order), then these. */
const K = OUTLIER_CLASSES.length;
const T = { Unpriced: K, Payment: K + 1, Fund: K + 2, Review: K + 3, Read: K + 4, Size: K + 5 } as const;
const CLASS_INDEX = Object.fromEntries(OUTLIER_CLASSES.map((c, i) => [c, i])) as Record<OutlierClass, number>;

export const PRICE_REJECTS_HEADER = csvLine(['line', 'reason', 'message', 'raw']);

const FLAG_YES = new Set(['1', 'y', 'yes', 'true', '是']);
const FLAG_NO = new Set(['', '0', 'n', 'no', 'false', '否']);

/** What pricing reads of a row, whichever path decoded it (one object per row, also the pricer's input). */
type RowFacts = { -readonly [K in keyof PriceInput]-?: PriceInput[K] } & {
  id: string;
  date: string | null;
  /**
   * The text of the line, when the fused reader read it ('' otherwise), and
   * where its id, hospital id (trimmed), discharge date and cost cells are in
   * it: those are copied from it to the output byte for byte. -1 when the row
   * came by the generic path (its strings above are written instead).
   */
  line: string;
  idA: number;
  idB: number;
  hidA: number;
  hidB: number;
  dateA: number;
  dateB: number;
  costA: number;
  costB: number;
};

/** DRGs met in the data that have no weight, with their case counts. */
export type MissingWeights = Record<string, number>;

export class PriceJob implements BatchJob<MissingWeights> {
  readonly scheme: CompiledScheme;
  readonly pricer: Pricer;
  readonly decoder: CaseDecoder;
  private readonly fused: FusedReader | null;
  private readonly bytes = new ByteWriter(1 << 20);
  /** The fused path's group result, overwritten row after row (each row is priced and written before the next). */
  private readonly slot = resultSlot();
  private readonly points: boolean;
  private readonly shareAt: number;
  private readonly reviewAt: number;
  private readonly at: { id: number; cost: number; hid: number; date: number };
  /**
   * Runs of output cells made once and copied row after row: per DRG index
   * `status,drg,drg_name,`, per terms the columns from rw on (see `headOf`, `segments`).
   * One buffer, so the runs of the DRGs in use lie close together: a row
   * touches few cache lines between two groupings.
   */
  private readonly made = new ByteWriter(1 << 14);
  /** Per DRG index: [start, end) of its head run in `made` (end 0: not made yet), and the status and name it was made for. */
  private headRange: Int32Array = new Int32Array(0);
  private readonly headStatus: string[] = [];
  private readonly headName: string[] = [];
  /** Per terms id: start of its run in `made`, end of the terms cells, end of the normal-case cells after them, end of the empty tail after those (0: not made yet). */
  private termsRange: Int32Array = new Int32Array(0);
  /** The columns from patient_share on when all are empty, with the line end. */
  private readonly emptyTail: Uint8Array;
  /**
   * The usual row by the pricer's entry slot (Pricer.slotOf), 8 numbers per
   * slot, one cache line: the window of costs and LOS in which its cases are
   * paid the standard (costMin, costMax, losMax), that payment, where its runs
   * lie in `made` — `status,drg,drg_name,` from the first to the second, the
   * cells from rw to the line end from the second to the third — and a state:
   * 0 not made yet, -1 the slot has no usual row, else where the terms cells
   * (rw to standard) end, which an outlier's row is made of too (see
   * Pricer.quote). A usual row reads one slot and one run of `made`, and
   * makes no result.
   */
  private readonly usual: Float64Array;
  /** The DRG names of the scheme by DRG index: a usual row's head is made for its DRG's own name. */
  private readonly drgNames: string[] = [];
  /**
   * True when every path to a grouped DRG (a rule's split or fallback) gives
   * that DRG's own name, as in every national package: then a usual row's
   * name needs no check.
   */
  private readonly ownNames: boolean;
  /** Per class index, `class,mode,` as the cell-by-cell path writes them (made on first use). */
  private readonly classCells: (Uint8Array | undefined)[] = [];
  private readonly facts: RowFacts = factsOf({ id: '', total_cost: null, los: null, hospital_id: null, hospital_level: null, discharge_date: null });
  /** Text of small whole numbers (LOS, levels), made once. */
  private readonly numbers: string[] = [];

  constructor(
    readonly spec: PriceJobSpec,
    loaded: { scheme?: CompiledScheme; weights?: WeightTable; policy?: Policy; fused?: boolean } = {},
  ) {
    this.scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    const weights = loaded.weights ?? (spec.weightRows !== undefined ? weightTableFromRows(spec.weightRows, { scheme: this.scheme }) : loadWeightTable(spec.weights, { scheme: this.scheme }));
    const policy = loaded.policy ?? loadPolicy(spec.policy);
    this.pricer = new Pricer(policy, weights, this.scheme);
    this.points = policy.method === 'points';
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.fused = loaded.fused === false ? null : FusedReader.for(this.decoder);
    const pos = (name: string | null): number => (name === null ? -1 : spec.header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase()));
    this.shareAt = pos(spec.shareColumn);
    this.reviewAt = pos(spec.reviewColumn);
    const first = (f: CaseField): number => this.decoder.positionsOf(f)[0] ?? -1;
    this.at = { id: first('id'), cost: first('total_cost'), hid: first('hospital_id'), date: first('discharge_date') };
    // Slots are DRGs × 10 levels × distinct coefficients: a policy with scores of them gets no table (32 MB at most),
    // and its usual rows take the general path.
    this.usual = new Float64Array(8 * this.pricer.slotCount <= USUAL_TABLE_MAX ? 8 * this.pricer.slotCount : 0);
    for (const d of this.scheme.drgs.values()) this.drgNames[d.index] = d.name;
    this.ownNames = this.scheme.mdcs.every((m) => m.rules.every((r) => r.fallback.name === this.drgNames[r.fallback.drgIndex] && r.splits.every((s) => s.name === this.drgNames[s.drgIndex])));
    this.emptyTail = ASCII.encode(`${','.repeat(priceColumns(policy.method, false).length - priceColumns(policy.method, false).indexOf('patient_share'))}\n`);
  }

  head(): string {
    return csvLine(priceColumns(this.pricer.policy.method, this.spec.trace));
  }

  /** Where `status,drg,drg_name,` of a result with a DRG index lies in `made`: index 2i of headRange (made on first use, remade if the name differs). */
  private headOf(g: GroupResult, drgIndex: number): number {
    const at = 2 * drgIndex;
    if (at + 2 > this.headRange.length) this.headRange = grown(this.headRange, at + 2);
    if (this.headRange[at + 1] === 0 || this.headStatus[drgIndex] !== g.status || this.headName[drgIndex] !== g.drgName) {
      this.headRange[at] = this.made.length;
      writeHead(this.made, g);
      this.headRange[at + 1] = this.made.length;
      this.headStatus[drgIndex] = g.status;
      this.headName[drgIndex] = g.drgName;
    }
    return at;
  }

  /**
   * Where a terms' run lies in `made`: index 4·id of termsRange. The run is
   * `rw,coefficient,standard,[standard_points,]` and then, for a normal case
   * paid the standard, its class, mode and payment, and the empty columns
   * after them with the line end.
   */
  private segments(t: GroupTerms): number {
    const at = 4 * t.id;
    if (at + 4 > this.termsRange.length) this.termsRange = grown(this.termsRange, at + 4);
    if (this.termsRange[at + 3] === 0) {
      const m = this.made;
      this.termsRange[at] = m.length;
      m.ascii(this.termsCells(t));
      this.termsRange[at + 1] = m.length;
      m.ascii(this.normalCells(t));
      this.termsRange[at + 2] = m.length;
      m.raw(this.emptyTail);
      this.termsRange[at + 3] = m.length;
    }
    return at;
  }

  /** `rw,coefficient,standard,[standard_points,]` of a terms. */
  private termsCells(t: GroupTerms): string {
    return `${t.text.rw},${t.text.coefficient},${t.text.standard},${this.points ? `${t.text.standardPoints},` : ''}`;
  }

  /** `normal,standard,[points,]payment` of a normal case paid the standard. */
  private normalCells(t: GroupTerms): string {
    return `normal,standard,${this.points ? `${t.text.standardPoints},` : ''}${t.text.standard}`;
  }

  /** Fill the usual row of a slot, or mark it as having none (state -1). `g` is a grouped result of the slot's DRG with its own name. */
  private makeUsual(slot: number, g: GroupResult): void {
    const u = this.usual;
    const k = 8 * slot;
    const c = this.pricer.usualAt(slot);
    const r = c?.result ?? null;
    const t = r?.terms ?? null;
    if (c === null || r === null || t === null || !r.priced || r.payment === null || r.class !== 'normal' || r.mode !== 'standard' || r.patientShare !== null || r.fallback !== null || r.review || r.notes.length > 0) {
      u[k + 7] = -1;
      return;
    }
    const m = this.made;
    u[k] = c.costMin;
    u[k + 1] = c.costMax;
    u[k + 2] = c.losMax;
    u[k + 3] = r.payment;
    u[k + 4] = m.length;
    writeHead(m, g);
    u[k + 5] = m.length;
    m.ascii(this.termsCells(t));
    const cellsEnd = m.length;
    m.ascii(this.normalCells(t));
    m.raw(this.emptyTail);
    u[k + 6] = m.length;
    u[k + 7] = cellsEnd;
  }

  /**
   * The row of a case {@link Pricer.quote} classed (class index `cls`) under
   * the made slot at `k`: the usual row's cells up to standard, then class,
   * mode, points, payment and the empty tail, as the cell-by-cell path
   * writes them. False, with nothing written, when a cell needs that path.
   */
  private writeQuoted(f: RowFacts, k: number, cls: number): boolean {
    const u = this.usual;
    const points = this.points ? this.pricer.quotedPoints() : null;
    if (this.points && points === null) return false;
    if (!this.writeUsual(f, u[k + 4]!, u[k + 5]!, u[k + 5]!, u[k + 7]!)) return false;
    const w = this.bytes;
    w.raw((this.classCells[cls] ??= ASCII.encode(`${OUTLIER_CLASSES[cls]},${this.pricer.policy.pay[OUTLIER_CLASSES[cls]!]!.mode},`)));
    if (points !== null) {
      w.ascii(points.toString());
      w.byte(44);
    }
    w.yuan(this.pricer.quotedFen);
    w.raw(this.emptyTail);
    return true;
  }

  private number(n: number): string {
    if (!Number.isInteger(n) || n < 0 || n > 999) return String(n);
    return (this.numbers[n] ??= String(n));
  }

  static merge(a: MissingWeights, b: MissingWeights): MissingWeights {
    const out = { ...a };
    for (const k in b) out[k] = (out[k] ?? 0) + b[k]!;
    return out;
  }

  run(batch: RecordBatch, lend = false): BatchOutput<MissingWeights> {
    const counts = zeroPriceCounts();
    const tally = new Float64Array(T.Size);
    const missing: MissingWeights = {};
    let rejects = '';
    const spec = this.spec;
    const emit = (line: number, facts: RowFacts, g: GroupResult, share: string, review: string, unreadable = false): void => {
      facts.status = g.status;
      facts.drg = g.drg;
      counts['read']!++;
      if (this.emit(line, facts, g, share, review, unreadable, tally)) missing[g.drg] = (missing[g.drg] ?? 0) + 1;
    };
    const generic: RowVisitor = {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        const facts = factsOf(c);
        const share = this.shareAt >= 0 ? cells[this.shareAt]!.trim() : '';
        const review = this.reviewAt >= 0 ? cells[this.reviewAt]!.trim() : '';
        if (problems !== null) emit(line, facts, invalidResult(c.id, problems.map((p) => ({ code: p.code, field: p.field, message: `line ${line}: ${p.message}` }))), share, review, true);
        else emit(line, facts, groupCase(this.scheme, c), share, review);
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        if (spec.rejects) {
          counts['read']!++;
          counts['rejected']!++;
          rejects += csvLine([String(line), code, message, raw]);
        } else {
          emit(line, factsOf({ id: firstCell(raw), total_cost: null, los: null, hospital_id: null, hospital_level: null, discharge_date: null }), invalidResult(firstCell(raw), [{ code, message }]), '', '', true);
        }
      },
    };
    const fused = this.fused;
    const pricer = this.pricer;
    const usualOk = !spec.trace;
    if (fused !== null && !batch.multiline) {
      const width = this.decoder.width;
      const v = fused.values;
      const at = this.at;
      fused.each(batch, spec.newline, {
        clean: (line, id) => {
          fused.fillContext(this.scheme, this.scheme.ctx, false);
          const g = groupPrepared(this.scheme, this.scheme.ctx, id, false, this.slot);
          // One facts object per job, refilled for each clean line (pricing and writing keep nothing of it).
          // The extra cells are read where they lie in the line, not cut out of it.
          const facts = this.facts;
          const text = fused.text;
          facts.line = text;
          // Where a column is missing, its range is empty (-1 for the id and cost: then their strings are written).
          facts.idA = at.id >= 0 ? fused.cellStart(at.id) : -1;
          facts.idB = at.id >= 0 ? fused.cellEnd(at.id) : -1;
          const ca = (facts.costA = at.cost >= 0 ? fused.cellStart(at.cost) : -1);
          const cb = (facts.costB = at.cost >= 0 ? fused.cellEnd(at.cost) : -1);
          // The fused reader has checked the amount's form: a char loop reads it.
          facts.cost = checkedFen(text, ca, cb);
          const a = at.hid >= 0 ? fused.trimStart(at.hid) : 0;
          const b = at.hid >= 0 ? fused.trimEndFrom(at.hid, a) : 0;
          facts.hidA = a;
          facts.hidB = b;
          facts.dateA = at.date >= 0 ? fused.cellStart(at.date) : 0;
          facts.dateB = at.date >= 0 ? fused.cellEnd(at.date) : 0;
          facts.date = facts.dateA === facts.dateB ? null : '';
          facts.los = v[4] === v[4] ? v[4]! : null;
          facts.hospitalLevel = v[7] === v[7] ? v[7]! : null;
          facts.patientShare = null;
          facts.review = false;
          facts.id = id;
          const drgIndex = (facts.drgIndex = this.scheme.ctx.drgIndex);
          const share = this.shareAt >= 0 ? fused.cell(this.shareAt).trim() : '';
          const review = this.reviewAt >= 0 ? fused.cell(this.reviewAt).trim() : '';
          // The hospital id is cut out of the line only when something reads it: a coefficient of its own, or the general path.
          const hid = a !== b && pricer.mayHaveOwnCoefficient(text, a, b) ? text.slice(a, b) : null;
          // The usual row (grouped, inside its entry's window, nothing of its own): written from its slot, no result read.
          const cost = facts.cost;
          if (usualOk && share === '' && review === '' && g.status === 'grouped' && cost !== null && drgIndex >= 0 && (this.ownNames || g.drgName === this.drgNames[drgIndex])) {
            const slot = pricer.slotOf(drgIndex, hid, facts.hospitalLevel);
            if (slot >= 0 && 8 * slot < this.usual.length) {
              const u = this.usual;
              const k = 8 * slot;
              if (u[k + 7] === 0) this.makeUsual(slot, g);
              if (u[k + 7]! > 0 && !((facts.los ?? NaN) > u[k + 2]!)) {
                if (cost >= u[k]! && cost <= u[k + 1]!) {
                  if (this.writeUsual(facts, u[k + 4]!, u[k + 5]!, u[k + 5]!, u[k + 6]!)) {
                    tally[T.Read]!++;
                    tally[NORMAL]!++;
                    tally[T.Payment]! += u[k + 3]!;
                    return;
                  }
                } else {
                  // An outlier by cost (a low or high case): classed and paid by the pricer's cost steps, no result made.
                  const cls = pricer.quote(slot, cost);
                  if (cls >= 0 && this.writeQuoted(facts, k, cls)) {
                    tally[T.Read]!++;
                    tally[cls]!++;
                    tally[T.Payment]! += pricer.quotedFen;
                    return;
                  }
                }
              }
            }
          }
          facts.hospitalId = a === b ? null : (hid ?? text.slice(a, b));
          emit(line, facts, g, share, review);
        },
        slow: genericLine(generic, width, spec.newline),
      });
    } else {
      parseBatch(batch, this.decoder.width, spec.newline, generic);
    }
    OUTLIER_CLASSES.forEach((k, i) => (counts[k] = tally[i]!));
    counts['unpriced'] = tally[T.Unpriced]!;
    counts['payment_fen'] = tally[T.Payment]!;
    counts['fund_fen'] = tally[T.Fund]!;
    counts['review_flagged'] = tally[T.Review]!;
    counts['read']! += tally[T.Read]!;
    const out = this.bytes.take(lend);
    return Object.keys(missing).length > 0 ? { out, rejects, counts, aggregate: missing } : { out, rejects, counts };
  }

  /** Price one row and write it; true when its DRG has no weight. */
  private emit(line: number, f: RowFacts, g: GroupResult, shareText: string, reviewText: string, unreadable: boolean, tally: Float64Array): boolean {
    // Problems with the extra columns; most rows have none, so no array is made for them.
    let bad: Note[] | null = null;
    if (shareText !== '') {
      const s = parseYuan(shareText);
      if (s === undefined || s < 0) (bad ??= []).push({ code: 'patient_share.not_an_amount', message: `line ${line}: patient share "${shareText}" is not a non-negative amount in yuan with at most two decimals` });
      else f.patientShare = s;
    }
    if (reviewText !== '') {
      const flag = reviewText.toLowerCase();
      if (FLAG_YES.has(flag)) f.review = true;
      else if (!FLAG_NO.has(flag)) (bad ??= []).push({ code: 'special_review.not_a_flag', message: `line ${line}: special review flag "${reviewText}" is not one of 1/0, yes/no, true/false` });
    }
    // A row whose values cannot be read, or with a bad share or flag, is not priced: its cost cannot be trusted.
    const r: PriceResult | null = unreadable || bad !== null ? null : this.pricer.price(f, this.spec.trace);
    // Counted in a typed array (a class index, not a string key, per row); made into Counts per batch.
    if (r === null || !r.priced) tally[T.Unpriced]!++;
    else {
      tally[CLASS_INDEX[r.class!]]!++;
      tally[T.Payment]! += r.payment!;
      if (r.fundPayment !== null) tally[T.Fund]! += r.fundPayment;
    }
    if (f.review) tally[T.Review]!++;
    const groupNotes = g.status === 'grouped' ? NO_NOTES : g.reasons;
    const priceNotes = r?.notes ?? NO_NOTES;
    const notes = groupNotes.length + priceNotes.length + (bad?.length ?? 0) === 0 ? NO_NOTES : [...groupNotes, ...(bad ?? []), ...priceNotes];
    this.write(f, g, r, shareText, notes);
    return r !== null && r.priced && r.class === 'ungroupable' && g.status === 'grouped';
  }

  private write(f: RowFacts, g: GroupResult, r: PriceResult | null, shareText: string, notes: readonly (Note | PriceNote)[]): void {
    const w = this.bytes;
    const pts = this.points;
    const t = r?.terms ?? null;
    // The usual row (a clean line, a normal case paid the standard, nothing else to say) in one loop.
    if (t !== null && f.idA >= 0 && f.drgIndex >= 0 && r!.mode === 'standard' && r!.class === 'normal' &&
      shareText === '' && !f.review && notes.length === 0 && !this.spec.trace && r!.patientShare === null && r!.fallback === null) {
      const h = this.headOf(g, f.drgIndex);
      const s = this.segments(t);
      if (this.writeUsual(f, this.headRange[h]!, this.headRange[h + 1]!, this.termsRange[s]!, this.termsRange[s + 3]!)) return;
    }
    if (f.idA < 0 || !w.plain(f.line, f.idA, f.idB)) w.field(f.id);
    w.byte(44);
    if (f.drgIndex >= 0) {
      const h = this.headOf(g, f.drgIndex);
      w.span(this.made, this.headRange[h]!, this.headRange[h + 1]!);
    } else {
      writeHead(w, g);
    }
    // Hospital ids are short plain ASCII as a rule: copied char by char; others are encoded once and reused.
    const hid = f.hospitalId;
    if (hid !== null && !(f.hidA >= 0 ? w.plain(f.line, f.hidA, f.hidB) : w.plain(hid, 0, hid.length))) w.recurring(hid);
    w.byte(44);
    if (f.hospitalLevel !== null) w.ascii(this.number(f.hospitalLevel));
    w.byte(44);
    // A date the fused reader read is YYYY-MM-DD (checked there): copied from the line.
    if (f.date !== null && !(f.dateA >= 0 && w.plain(f.line, f.dateA, f.dateB))) w.ascii(f.dateA >= 0 ? f.line.slice(f.dateA, f.dateB) : f.date);
    w.byte(44);
    if (f.los !== null) w.ascii(this.number(f.los));
    w.byte(44);
    // The cost as written when that is already how formatYuan writes it, else formatted from fen.
    if (f.cost !== null && !(f.costA >= 0 && canonicalYuan(f.line, f.costA, f.costB) && w.plain(f.line, f.costA, f.costB))) w.yuan(f.cost);
    w.byte(44);
    if (t !== null) {
      // RW, coefficient, standard (and points) — and for a case paid the standard, class, mode and payment
      // too — are one text per DRG terms, built once.
      const s = this.segments(t);
      const range = this.termsRange;
      if (r!.mode === 'standard' && r!.class === 'normal') {
        w.span(this.made, range[s]!, range[s + 2]!);
        return this.tail(f, r, shareText, notes);
      }
      w.span(this.made, range[s]!, range[s + 1]!);
    } else {
      w.ascii(pts ? ',,,,' : ',,,');
    }
    if (r !== null && r.priced) {
      w.ascii(r.class!);
      w.byte(44);
      w.ascii(r.mode!);
      w.byte(44);
      if (pts) {
        w.ascii(r.points!.toString());
        w.byte(44);
      }
      w.yuan(r.payment!);
    } else {
      w.byte(44);
      w.byte(44);
      if (pts) w.byte(44);
    }
    this.tail(f, r, shareText, notes);
  }

  /**
   * A usual row of a line the fused reader read, straight into the output
   * buffer: the cells the line holds are copied from it, the made runs from
   * \`made\` ([hs, he) after the id, [ts, te) after the cost, to the line
   * end), the small numbers as digits. The same bytes as the cell-by-cell
   * path below; false, with nothing written, when a cell needs that path (a
   * character to quote or encode, an amount not written as formatYuan writes
   * it, a large number).
   */
  private writeUsual(f: RowFacts, hs: number, he: number, ts: number, te: number): boolean {
    const level = f.hospitalLevel;
    const los = f.los;
    if ((level !== null && !smallWhole(level)) || (los !== null && !smallWhole(los)) || f.date === null || f.cost === null) return false;
    const line = f.line;
    if (!canonicalCheckedYuan(line, f.costA, f.costB)) return false;
    const hasHid = f.hidB > f.hidA;
    const w = this.bytes;
    // The cells, the runs, 6 commas and two numbers of up to 3 digits.
    const buf = w.reserve(f.idB - f.idA + (he - hs) + (hasHid ? f.hidB - f.hidA : 0) + (f.dateB - f.dateA) + (f.costB - f.costA) + (te - ts) + 12);
    const bv = w.view;
    const src = this.made.bytes;
    const sv = this.made.view;
    let n = w.length;
    if ((n = plainInto(buf, n, line, f.idA, f.idB)) < 0) return false;
    buf[n++] = 44;
    n = copyRun(buf, bv, n, src, sv, hs, he);
    if (hasHid && (n = plainInto(buf, n, line, f.hidA, f.hidB)) < 0) return false;
    buf[n++] = 44;
    if (level !== null) n = digitsInto(buf, n, level);
    buf[n++] = 44;
    if ((n = plainInto(buf, n, line, f.dateA, f.dateB)) < 0) return false;
    buf[n++] = 44;
    if (los !== null) n = digitsInto(buf, n, los);
    buf[n++] = 44;
    for (let i = f.costA; i < f.costB; i++) buf[n++] = line.charCodeAt(i);
    buf[n++] = 44;
    n = copyRun(buf, bv, n, src, sv, ts, te);
    w.advance(n);
    return true;
  }

  /** The columns from patient_share on, and the line end. */
  private tail(f: RowFacts, r: PriceResult | null, shareText: string, notes: readonly (Note | PriceNote)[]): void {
    const w = this.bytes;
    const pts = this.points;
    if (shareText === '' && !f.review && notes.length === 0 && !this.spec.trace && (r === null || (r.patientShare === null && r.fallback === null))) {
      // The usual row: every remaining column empty, written at once.
      w.raw(this.emptyTail);
      return;
    }
    w.byte(44);
    if (r?.patientShare != null) w.yuan(r.patientShare);
    else if (shareText !== '') w.field(shareText);
    w.byte(44);
    if (r?.fundPayment != null) w.yuan(r.fundPayment);
    w.byte(44);
    if (f.review) w.ascii('yes');
    w.byte(44);
    const fb = r?.fallback ?? null;
    if (fb !== null) {
      w.ascii(fb.class);
      w.byte(44);
      if (pts) {
        w.ascii(fb.points!.toString());
        w.byte(44);
      }
      w.yuan(fb.payment);
    } else {
      w.byte(44);
      if (pts) w.byte(44);
    }
    w.byte(44);
    if (notes.length > 0) {
      w.field(notes.map((n) => n.code).join('|'));
      w.byte(44);
      w.field(notes.map((n) => n.message).join('; '));
    } else w.byte(44);
    if (this.spec.trace) {
      w.byte(44);
      w.field(r?.trace?.join('\n') ?? '');
    }
    w.byte(10);
  }
}

const factsOf = (c: Pick<Case, 'id' | 'total_cost' | 'los' | 'hospital_id' | 'hospital_level' | 'discharge_date'>): RowFacts => ({
  status: 'invalid',
  drg: '',
  drgIndex: -1,
  cost: c.total_cost,
  los: c.los,
  hospitalId: c.hospital_id,
  hospitalLevel: c.hospital_level,
  patientShare: null,
  review: false,
  id: c.id,
  date: c.discharge_date,
  line: '',
  idA: -1,
  idB: -1,
  hidA: -1,
  hidB: -1,
  dateA: -1,
  dateB: -1,
  costA: -1,
  costB: -1,
});

const NO_NOTES: readonly Note[] = [];
/** Numbers in PriceJob's usual table at most (8 per slot): 32 MB. */
const USUAL_TABLE_MAX = 1 << 22;
/** The tally slot of the normal class. */
const NORMAL = OUTLIER_CLASSES.indexOf('normal');

/** A copy of `a` with room for at least `n` values (the new ones 0). */
function grown(a: Int32Array, n: number): Int32Array {
  const next = new Int32Array(Math.max(n, 2 * a.length, 64));
  next.set(a);
  return next;
}
const ASCII = new TextEncoder();

/** True when s[a, b) is what formatYuan writes: digits (no leading zero unless alone), a point, two digits. */
function canonicalYuan(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 4 || s.charCodeAt(b - 3) !== 46) return false;
  if (s.charCodeAt(a) === 48 && n > 4) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if ((c < 48 || c > 57) && i !== b - 3) return false;
  }
  return true;
}

/**
 * {@link canonicalYuan} for an amount the fused reader has checked (amountOk:
 * an optional sign, digits, at most one point and two decimals): then only
 * the sign, the point's place and a leading zero need looking at.
 */
function canonicalCheckedYuan(s: string, a: number, b: number): boolean {
  const n = b - a;
  if (n < 4 || s.charCodeAt(b - 3) !== 46) return false;
  const c = s.charCodeAt(a);
  return c >= 49 ? c <= 57 : c === 48 && n === 4;
}

/** A whole number from 0 to 999: at most three digits, as the usual row's reservation counts them. */
function smallWhole(v: number): boolean {
  return v >= 0 && v <= 999 && Number.isInteger(v);
}

/** The cells `status,drg,drg_name,` of a priced row. */
function writeHead(w: ByteWriter, g: GroupResult): void {
  w.ascii(g.status);
  w.byte(44);
  w.ascii(g.drg);
  w.byte(44);
  w.recurring(g.drgName);
  w.byte(44);
}
