/**
 * The `dip-settle` job: the dip-group job (its output is the scored cases)
 * plus an aggregate per pool × hospital × month — cases, score units, cost
 * and fund-paid — and the extreme-deviation cases for special review.
 * Settlement itself (point values, amounts) is computed once from the
 * merged aggregate (src/payment/dip/settle.ts).
 *
 * DIP settlement input, besides the group job's: hospital_id and
 * discharge_date (the month) are required per case; the optional columns
 * insured_type (which pool, when the policy has several) and fund_paid
 * (yuan, for pools whose fund payment ratio is computed).
 */
import type { BatchJob, BatchOutput, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { type Fen, parseYuan } from '../money.js';
import { poolResolver, readSettlementPolicy, type SettlementPolicy } from '../payment/dip/policy.js';
import type { ReviewCandidate, SettlementCell } from '../payment/dip/settle.js';
import type { CompiledDirectory } from '../../groupers/dip/index.js';
import { DipGroupJob, type DipGroupJobSpec, headerPosition, type ScoredCase } from './dip-group.js';

export interface DipSettleJobSpec extends JobSpecBase {
  readonly kind: 'dip-settle';
  readonly group: DipGroupJobSpec;
  /** Policy file (resolved). */
  readonly policy: string;
}

export const INSURED_TYPE_COLUMN = 'insured_type';
export const FUND_PAID_COLUMN = 'fund_paid';

/** The aggregate: cells keyed `pool␁hospital␁month` → [cases, units, cost, fund paid (−1: some case had none)]; review candidates; unsettled reasons. */
export interface SettleAggregate {
  readonly cells: Record<string, [number, number, number, number]>;
  readonly review: ReviewCandidate[];
  readonly unsettled: Record<string, number>;
}

export function mergeSettle(a: SettleAggregate, b: SettleAggregate): SettleAggregate {
  const cells = { ...a.cells };
  for (const [k, v] of Object.entries(b.cells)) {
    const x = cells[k];
    cells[k] = x === undefined ? v : [x[0] + v[0], x[1] + v[1], x[2] + v[2], x[3] < 0 || v[3] < 0 ? -1 : x[3] + v[3]];
  }
  const unsettled = { ...a.unsettled };
  for (const [k, v] of Object.entries(b.unsettled)) unsettled[k] = (unsettled[k] ?? 0) + v;
  return { cells, review: [...a.review, ...b.review], unsettled };
}

/** The aggregate as settlement input cells. */
export function settlementCells(a: SettleAggregate): SettlementCell[] {
  return Object.entries(a.cells).map(([key, [cases, units, cost, paid]]) => {
    const [pool, hospital, month] = key.split('\u0001') as [string, string, string];
    return { pool: Number(pool), hospital, month, cases, units, cost: cost as Fen, fundPaid: paid < 0 ? null : (paid as Fen) };
  });
}

export class DipSettleJob implements BatchJob<SettleAggregate> {
  readonly group: DipGroupJob;
  private readonly policy: SettlementPolicy;
  private readonly poolOf: (t: string | null) => number;
  private readonly typeAt: number;
  private readonly paidAt: number;
  private readonly year: string;
  private agg: SettleAggregate = { cells: {}, review: [], unsettled: {} };
  private rejects = '';

  constructor(
    readonly spec: DipSettleJobSpec,
    loaded: { directory?: CompiledDirectory; policy?: SettlementPolicy } = {},
  ) {
    this.policy = loaded.policy ?? readSettlementPolicy(spec.policy);
    this.poolOf = poolResolver(this.policy);
    this.year = String(this.policy.year);
    this.typeAt = headerPosition(spec.header, INSURED_TYPE_COLUMN);
    this.paidAt = headerPosition(spec.header, FUND_PAID_COLUMN);
    this.group = new DipGroupJob(spec.group, { ...(loaded.directory !== undefined ? { directory: loaded.directory } : {}), sink: { scored: (s) => this.scored(s) } });
  }

  head(): string {
    return this.group.head();
  }

  private unsettled(s: ScoredCase, reason: string, message: string): void {
    this.agg.unsettled[reason] = (this.agg.unsettled[reason] ?? 0) + 1;
    if (this.spec.group.rejects) this.rejects += csvLine([String(s.line), reason, `line ${s.line}: ${message} (the case is scored but not settled)`, csvLine(s.cells).slice(0, -1)]);
  }

  /** One scored case into the aggregate. */
  scored(s: ScoredCase): void {
    const c = s.case;
    if (c.hospital_id === null) return this.unsettled(s, 'hospital_id.missing', 'no hospital_id');
    if (c.discharge_date === null) return this.unsettled(s, 'discharge_date.missing', 'no discharge_date (the month of the case)');
    if (c.discharge_date.slice(0, 4) !== this.year) return this.unsettled(s, 'discharge_date.other_year', `discharged ${c.discharge_date}, outside the settlement year ${this.year}`);
    const type = this.typeAt >= 0 ? s.cells[this.typeAt]!.trim() : '';
    const pool = this.poolOf(type === '' ? null : type);
    if (pool < 0) return this.unsettled(s, 'insured_type.unknown', `insured_type "${type}" is in no pool of the policy`);
    let paid = -1;
    if (this.paidAt >= 0) {
      const v = s.cells[this.paidAt]!.trim();
      const fen = v === '' ? undefined : parseYuan(v);
      if (v !== '' && (fen === undefined || fen < 0)) return this.unsettled(s, 'fund_paid.not_an_amount', `fund_paid "${v}" is not an amount in yuan`);
      paid = fen ?? -1;
    }
    const key = `${pool}\u0001${c.hospital_id}\u0001${c.discharge_date.slice(0, 7)}`;
    const cell = (this.agg.cells[key] ??= [0, 0, 0, 0]);
    cell[0]++;
    cell[1] += s.units;
    cell[2] += c.total_cost ?? 0;
    cell[3] = cell[3] < 0 || paid < 0 ? -1 : cell[3] + paid;
    if (s.deviation === 'extreme') this.agg.review.push({ id: c.id, line: s.line, hospital: c.hospital_id, group: s.group, cost: (c.total_cost ?? 0) as Fen, standard: s.standard as Fen });
  }

  run(batch: RecordBatch): BatchOutput<SettleAggregate> {
    this.agg = { cells: {}, review: [], unsettled: {} };
    this.rejects = '';
    const r = this.group.run(batch);
    return { out: r.out, rejects: r.rejects + this.rejects, counts: r.counts, aggregate: this.agg };
  }
}
