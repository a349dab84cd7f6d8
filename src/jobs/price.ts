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
import { ByteWriter } from '../io/bytes.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine } from '../io/rows.js';
import { type Fen, formatYuan, parseYuan } from '../money.js';
import { groupCase, groupPrepared, loadSchemeSync, type CompiledScheme, type GroupResult, type Note } from '../../groupers/chs-drg/index.js';
import { loadWeightTable, type WeightTable } from '../../weights/table.js';
import { loadPolicy, type Policy } from '../payment/policy.js';
import { Pricer, type PriceResult } from '../payment/price.js';
import { OUTLIER_CLASSES } from '../payment/types.js';
import { FusedReader } from './group-fast.js';
import { firstCell, invalidResult } from './group.js';

export interface PriceJobSpec extends JobSpecBase {
  readonly kind: 'price';
  /** Scheme folder, weight table and policy files (resolved paths). */
  readonly scheme: string;
  readonly weights: string;
  readonly policy: string;
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

export const PRICE_REJECTS_HEADER = csvLine(['line', 'reason', 'message', 'raw']);

const FLAG_YES = new Set(['1', 'y', 'yes', 'true', '是']);
const FLAG_NO = new Set(['', '0', 'n', 'no', 'false', '否']);

/** The case fields pricing reads, whichever path decoded the row. */
interface RowFacts {
  readonly id: string;
  readonly cost: Fen | null;
  readonly los: number | null;
  readonly hospitalId: string | null;
  readonly level: number | null;
  readonly date: string | null;
}

/** DRGs met in the data that have no weight, with their case counts. */
export type MissingWeights = Record<string, number>;

export class PriceJob implements BatchJob<MissingWeights> {
  readonly scheme: CompiledScheme;
  readonly pricer: Pricer;
  readonly decoder: CaseDecoder;
  private readonly fused: FusedReader | null;
  private readonly bytes = new ByteWriter(1 << 20);
  private readonly points: boolean;
  private readonly shareAt: number;
  private readonly reviewAt: number;
  private readonly at: { cost: number; hid: number; date: number };

  constructor(
    readonly spec: PriceJobSpec,
    loaded: { scheme?: CompiledScheme; weights?: WeightTable; policy?: Policy; fused?: boolean } = {},
  ) {
    this.scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    const weights = loaded.weights ?? loadWeightTable(spec.weights, { scheme: this.scheme });
    const policy = loaded.policy ?? loadPolicy(spec.policy);
    this.pricer = new Pricer(policy, weights, this.scheme);
    this.points = policy.method === 'points';
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.fused = loaded.fused === false ? null : FusedReader.for(this.decoder);
    const pos = (name: string | null): number => (name === null ? -1 : spec.header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase()));
    this.shareAt = pos(spec.shareColumn);
    this.reviewAt = pos(spec.reviewColumn);
    const first = (f: CaseField): number => this.decoder.positionsOf(f)[0] ?? -1;
    this.at = { cost: first('total_cost'), hid: first('hospital_id'), date: first('discharge_date') };
  }

  head(): string {
    return csvLine(priceColumns(this.pricer.policy.method, this.spec.trace));
  }

  static merge(a: MissingWeights, b: MissingWeights): MissingWeights {
    const out = { ...a };
    for (const k in b) out[k] = (out[k] ?? 0) + b[k]!;
    return out;
  }

  run(batch: RecordBatch): BatchOutput<MissingWeights> {
    const counts = zeroPriceCounts();
    const missing: MissingWeights = {};
    let rejects = '';
    const spec = this.spec;
    const emit = (line: number, facts: RowFacts, g: GroupResult, share: string, review: string, unreadable = false): void => {
      counts['read']!++;
      if (this.emit(line, facts, g, share, review, unreadable, counts)) missing[g.drg] = (missing[g.drg] ?? 0) + 1;
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
          emit(line, { id: firstCell(raw), cost: null, los: null, hospitalId: null, level: null, date: null }, invalidResult(firstCell(raw), [{ code, message }]), '', '', true);
        }
      },
    };
    const fused = this.fused;
    if (fused !== null && batch.text.indexOf('"') === -1) {
      const width = this.decoder.width;
      const v = fused.values;
      const at = this.at;
      fused.each(batch, spec.newline, {
        clean: (line, id) => {
          fused.fillContext(this.scheme, this.scheme.ctx, false);
          const g = groupPrepared(this.scheme, this.scheme.ctx, id, false);
          const costText = at.cost >= 0 ? fused.cell(at.cost) : '';
          const hid = at.hid >= 0 ? fused.cell(at.hid).trim() : '';
          const facts: RowFacts = {
            id,
            cost: costText === '' ? null : parseYuan(costText)!,
            los: v[4] === v[4] ? v[4]! : null,
            hospitalId: hid === '' ? null : hid,
            level: v[7] === v[7] ? v[7]! : null,
            date: at.date >= 0 && fused.cell(at.date) !== '' ? fused.cell(at.date) : null,
          };
          emit(line, facts, g, this.shareAt >= 0 ? fused.cell(this.shareAt).trim() : '', this.reviewAt >= 0 ? fused.cell(this.reviewAt).trim() : '');
        },
        slow: (line, lineText) => visitQuoteFreeLine(line, lineText, width, generic),
      });
    } else {
      parseBatch(batch, this.decoder.width, spec.newline, generic);
    }
    const out = this.bytes.take();
    return Object.keys(missing).length > 0 ? { out, rejects, counts, aggregate: missing } : { out, rejects, counts };
  }

  /** Price one row and write it; true when its DRG has no weight. */
  private emit(line: number, f: RowFacts, g: GroupResult, shareText: string, reviewText: string, unreadable: boolean, counts: Counts): boolean {
    const notes: Note[] = g.status === 'grouped' ? [] : [...g.reasons];
    let share: Fen | null = null;
    if (shareText !== '') {
      const s = parseYuan(shareText);
      if (s === undefined || s < 0) notes.push({ code: 'patient_share.not_an_amount', message: `line ${line}: patient share "${shareText}" is not a non-negative amount in yuan with at most two decimals` });
      else share = s;
    }
    let review = false;
    const flag = reviewText.toLowerCase();
    if (FLAG_YES.has(flag)) review = true;
    else if (!FLAG_NO.has(flag)) notes.push({ code: 'special_review.not_a_flag', message: `line ${line}: special review flag "${reviewText}" is not one of 1/0, yes/no, true/false` });
    // A row whose values cannot be read, or with a bad share or flag, is not priced: its cost cannot be trusted.
    const r: PriceResult | null = unreadable || notes.length > (g.status === 'grouped' ? 0 : g.reasons.length) ? null : this.pricer.price({ status: g.status, drg: g.drg, cost: f.cost, los: f.los, hospitalId: f.hospitalId, hospitalLevel: f.level, patientShare: share, review }, this.spec.trace);
    if (r !== null) for (const n of r.notes) notes.push({ code: n.code, message: n.message });
    if (r === null || !r.priced) counts['unpriced']!++;
    else {
      counts[r.class!]!++;
      counts['payment_fen']! += r.payment!;
      if (r.fundPayment !== null) counts['fund_fen']! += r.fundPayment;
    }
    if (review) counts['review_flagged']!++;
    this.write(f, g, r, shareText, review, notes);
    return r !== null && r.priced && r.class === 'ungroupable' && g.status === 'grouped';
  }

  private write(f: RowFacts, g: GroupResult, r: PriceResult | null, shareText: string, review: boolean, notes: readonly Note[]): void {
    const w = this.bytes;
    const pts = this.points;
    const t = r?.terms ?? null;
    w.field(f.id);
    w.byte(44);
    w.ascii(g.status);
    w.byte(44);
    w.ascii(g.drg);
    w.byte(44);
    w.recurring(g.drgName);
    w.byte(44);
    if (f.hospitalId !== null) w.field(f.hospitalId);
    w.byte(44);
    if (f.level !== null) w.ascii(String(f.level));
    w.byte(44);
    if (f.date !== null) w.ascii(f.date);
    w.byte(44);
    if (f.los !== null) w.ascii(String(f.los));
    w.byte(44);
    if (f.cost !== null) w.ascii(formatYuan(f.cost));
    w.byte(44);
    if (t !== null) {
      w.ascii(t.text.rw);
      w.byte(44);
      w.ascii(t.text.coefficient);
      w.byte(44);
      w.ascii(t.text.standard);
      w.byte(44);
      if (pts) {
        w.ascii(t.text.standardPoints);
        w.byte(44);
      }
    } else {
      w.byte(44);
      w.byte(44);
      w.byte(44);
      if (pts) w.byte(44);
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
      w.ascii(formatYuan(r.payment!));
    } else {
      w.byte(44);
      w.byte(44);
      if (pts) w.byte(44);
    }
    w.byte(44);
    if (r?.patientShare != null) w.ascii(formatYuan(r.patientShare));
    else if (shareText !== '') w.field(shareText);
    w.byte(44);
    if (r?.fundPayment != null) w.ascii(formatYuan(r.fundPayment));
    w.byte(44);
    if (review) w.ascii('yes');
    w.byte(44);
    const fb = r?.fallback ?? null;
    if (fb !== null) {
      w.ascii(fb.class);
      w.byte(44);
      if (pts) {
        w.ascii(fb.points!.toString());
        w.byte(44);
      }
      w.ascii(formatYuan(fb.payment));
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

const factsOf = (c: Case): RowFacts => ({ id: c.id, cost: c.total_cost, los: c.los, hospitalId: c.hospital_id, level: c.hospital_level, date: c.discharge_date });
