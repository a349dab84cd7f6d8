/**
 * Hospital settlement under DRG payment (domain brief §4): per hospital and
 * period — cases, total weight (and points), CMI, time and cost consumption
 * indices, payments by outlier class, the monthly fund amount with a reserve
 * held back — and a year-end clearing statement:
 *
 *   clearing = entitlement − patient payments − advances ± assessment
 *
 * where the entitlement is the sum of case payments (rate method) or the
 * year's points × the final point value (point method). The special-review
 * cap (a share of cases, per region or per hospital) is enforced here: the
 * flagged cases with the largest cost / standard ratio are accepted up to the
 * cap, the rest are paid under their ordinary class.
 *
 * Cases are added one at a time into compact cells (hospital × month × DRG);
 * `merge` joins partial settlements (one per batch or thread), so a year of
 * cases never has to be in memory.
 */
import { Decimal, type Fen, roundFen } from '../money.js';
import type { Policy } from './policy.js';
import { OUTLIER_CLASSES, type OutlierClass } from './types.js';
import { pointValue } from '../../weights/rates.js';

/** A priced case as settlement needs it (one row of `drg price` output). */
export interface SettlementCase {
  readonly id: string;
  readonly hospitalId: string;
  readonly level: number | null;
  /** Discharge date, YYYY-MM-DD (its month is the case's period). */
  readonly date: string;
  /** DRG, when the case was paid by DRG weight (else null: ungroupable). */
  readonly drg: string | null;
  /** RW as written (decimal text), when paid by DRG. */
  readonly rw: string | null;
  readonly los: number | null;
  readonly cost: Fen;
  /** Payment standard, fen (for the special-review ranking). */
  readonly standard: Fen | null;
  readonly class: OutlierClass;
  readonly payment: Fen;
  /** Case points (point method) as decimal text, else null. */
  readonly points: string | null;
  readonly patientShare: Fen | null;
  /** For special-review cases: the class, payment and points if the cap refuses them. */
  readonly fallback: { readonly class: OutlierClass; readonly payment: Fen; readonly points: string | null } | null;
}

const K = OUTLIER_CLASSES.length;
/** Cell layout: counts and sums, then a count and a payment per class. */
const enum C {
  Cases,
  DrgCases,
  LosN,
  LosSum,
  CostSum,
  PatientSum,
  Classes,
}
const WIDTH = C.Classes + 2 * K;
const classIndex = Object.fromEntries(OUTLIER_CLASSES.map((c, i) => [c, i])) as Record<OutlierClass, number>;

/** A flagged case kept until the cap is known. */
interface Flagged {
  readonly key: string;
  readonly id: string;
  readonly hospitalId: string;
  /** cost / standard, as text (exact decimal), for ranking. */
  readonly ratio: string;
  readonly accept: PayPart;
  readonly refuse: PayPart;
  readonly cell: readonly number[];
}
interface PayPart {
  readonly class: OutlierClass;
  readonly payment: Fen;
  readonly points: string | null;
}

/** Partial settlement: plain data, so it can cross threads and be merged. */
export interface SettlementParts {
  /** `hospital␁month␁drg␁rw` → numbers (see the cell layout). */
  readonly cells: Record<string, number[]>;
  /** Same key → Σ points (decimal text), point method only. */
  readonly points: Record<string, string>;
  /** hospital → levels seen. */
  readonly levels: Record<string, number[]>;
  readonly flagged: Flagged[];
}

export const emptyParts = (): SettlementParts => ({ cells: {}, points: {}, levels: {}, flagged: [] });

const SEP = '\u0001';

/** Add one case to partial settlement data. */
export function addCase(parts: SettlementParts, c: SettlementCase): void {
  const month = c.date.slice(0, 7);
  const key = `${c.hospitalId}${SEP}${month}${SEP}${c.drg ?? ''}${SEP}${c.rw ?? ''}`;
  const lv = (parts.levels[c.hospitalId] ??= []);
  if (c.level !== null && !lv.includes(c.level)) lv.push(c.level);
  // The pay part (class, payment, points) of a flagged case waits for the cap.
  const base = new Array<number>(WIDTH).fill(0);
  base[C.Cases] = 1;
  if (c.drg !== null) base[C.DrgCases] = 1;
  if (c.los !== null && c.drg !== null) {
    base[C.LosN] = 1;
    base[C.LosSum] = c.los;
  }
  base[C.CostSum] = c.cost;
  base[C.PatientSum] = c.patientShare ?? 0;
  if (c.class === 'special_review' && c.fallback !== null) {
    const ratio = c.standard !== null && c.standard > 0 ? new Decimal(c.cost).dividedBy(c.standard).toString() : '0';
    parts.flagged.push({ key, id: c.id, hospitalId: c.hospitalId, ratio, accept: { class: c.class, payment: c.payment, points: c.points }, refuse: c.fallback, cell: base });
    return;
  }
  addPay(parts, key, base, { class: c.class, payment: c.payment, points: c.points });
}

function addPay(parts: SettlementParts, key: string, base: readonly number[], pay: PayPart): void {
  let cell = parts.cells[key];
  if (cell === undefined) parts.cells[key] = cell = new Array<number>(WIDTH).fill(0);
  for (let i = 0; i < C.Classes; i++) cell[i]! += base[i]!;
  const k = classIndex[pay.class];
  cell[C.Classes + 2 * k]! += 1;
  cell[C.Classes + 2 * k + 1]! += pay.payment;
  if (pay.points !== null) parts.points[key] = new Decimal(parts.points[key] ?? 0).plus(pay.points).toString();
}

/** Join two partial settlements (the first is updated and returned). */
export function mergeParts(a: SettlementParts, b: SettlementParts): SettlementParts {
  for (const [k, v] of Object.entries(b.cells)) {
    const cell = a.cells[k];
    if (cell === undefined) a.cells[k] = [...v];
    else for (let i = 0; i < WIDTH; i++) cell[i]! += v[i]!;
  }
  for (const [k, v] of Object.entries(b.points)) a.points[k] = new Decimal(a.points[k] ?? 0).plus(v).toString();
  for (const [h, ls] of Object.entries(b.levels)) {
    const lv = (a.levels[h] ??= []);
    for (const l of ls) if (!lv.includes(l)) lv.push(l);
  }
  for (const f of b.flagged) a.flagged.push(f);
  return a;
}

export type Period = 'month' | 'quarter' | 'year';

const periodOf = (month: string, p: Period): string => (p === 'month' ? month : p === 'year' ? month.slice(0, 4) : `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`);

export interface SettleOptions {
  readonly period?: Period;
  /** Advances actually paid per hospital, fen (default: the computed monthly advances). */
  readonly advances?: ReadonlyMap<string, Fen>;
  /** Assessment adjustment per hospital, fen (+ pays more, − deducts). */
  readonly assessment?: ReadonlyMap<string, Fen>;
}

/** Indicators and money of a hospital over a period (or the year). */
export interface HospitalFigures {
  readonly cases: number;
  /** Cases paid by DRG weight. */
  readonly drgCases: number;
  readonly totalRw: Decimal;
  /** Case-mix index: Σ RW / DRG cases. */
  readonly cmi: Decimal | null;
  /** Σ case points (point method). */
  readonly points: Decimal | null;
  /** mean(LOS / regional mean LOS of the DRG). */
  readonly timeIndex: Decimal | null;
  /** mean(cost / regional mean cost of the DRG). */
  readonly costIndex: Decimal | null;
  /** Count and payment per outlier class, fen. */
  readonly byClass: Readonly<Record<OutlierClass, { readonly cases: number; readonly payment: Fen }>>;
  /** Σ case payments, fen (at the provisional point value under the point method). */
  readonly payments: Fen;
  readonly patientPayments: Fen;
}

export interface PeriodStatement extends HospitalFigures {
  readonly hospitalId: string;
  readonly level: string;
  readonly period: string;
  /** What the hospital is due for the period: payments (rate) or points × provisional point value. */
  readonly entitlement: Fen;
  /** entitlement − patient payments. */
  readonly fundDue: Fen;
  /** Held back until clearing: fund due × reserve share. */
  readonly reserve: Fen;
  /** Paid now: fund due − reserve. */
  readonly advance: Fen;
}

export interface ClearingStatement extends HospitalFigures {
  readonly hospitalId: string;
  readonly level: string;
  /** Final entitlement: payments (rate), or points × final point value. */
  readonly entitlement: Fen;
  readonly advances: Fen;
  /** Reserves held back over the year (part of what clearing settles). */
  readonly reserves: Fen;
  readonly assessment: Fen;
  /** entitlement − patient payments − advances + assessment. */
  readonly clearing: Fen;
}

export interface ReviewCap {
  /** `region` or the hospital id. */
  readonly scope: string;
  readonly cases: number;
  readonly cap: number;
  readonly flagged: number;
  readonly accepted: number;
  readonly refused: number;
  /** Ids of refused cases (paid under their ordinary class). */
  readonly refusedIds: readonly string[];
}

export interface Settlement {
  readonly method: Policy['method'];
  readonly periods: readonly PeriodStatement[];
  readonly clearing: readonly ClearingStatement[];
  readonly review: readonly ReviewCap[];
  /** Point method: the provisional and final point values and how the final one was found. */
  readonly pointValue: { readonly provisional: Decimal; readonly final: Decimal; readonly totalPoints: Decimal; readonly how: string } | null;
  readonly totals: { readonly cases: number; readonly payments: Fen; readonly patientPayments: Fen; readonly entitlement: Fen; readonly clearing: Fen };
}

/** The clearing amount: entitlement − patient payments − advances + assessment. */
export function clearingAmount(x: { entitlement: Fen; patientPayments: Fen; advances: Fen; assessment?: Fen }): Fen {
  return (x.entitlement - x.patientPayments - x.advances + (x.assessment ?? 0)) as Fen;
}

/** Enforce the special-review cap, then build the statements. */
export function settleHospitals(partsIn: SettlementParts, policy: Policy, options: SettleOptions = {}): Settlement {
  const parts = mergeParts(emptyParts(), { ...partsIn, flagged: [] });
  const review = enforceCap(parts, partsIn.flagged, policy);
  const period = options.period ?? 'month';
  const keys = Object.keys(parts.cells).sort();

  // Regional means per DRG (all hospitals, whole input) for the consumption indices.
  const region = new Map<string, { losN: number; losSum: number; n: number; cost: number }>();
  for (const k of keys) {
    const drg = k.split(SEP)[2]!;
    if (drg === '') continue;
    const c = parts.cells[k]!;
    const r = region.get(drg) ?? { losN: 0, losSum: 0, n: 0, cost: 0 };
    r.losN += c[C.LosN]!;
    r.losSum += c[C.LosSum]!;
    r.n += c[C.DrgCases]!;
    r.cost += c[C.CostSum]!;
    region.set(drg, r);
  }

  const points = policy.method === 'points';
  const groupBy = (f: (hospital: string, month: string) => string) => {
    const m = new Map<string, string[]>();
    for (const k of keys) {
      const [h, month] = k.split(SEP) as [string, string];
      const g = f(h, month);
      let list = m.get(g);
      if (list === undefined) m.set(g, (list = []));
      list.push(k);
    }
    return m;
  };
  const figures = (cellKeys: readonly string[]): HospitalFigures => {
    const sum = new Array<number>(WIDTH).fill(0);
    let totalRw = new Decimal(0);
    let pts = new Decimal(0);
    let timeNum = new Decimal(0);
    let costNum = new Decimal(0);
    for (const k of cellKeys) {
      const c = parts.cells[k]!;
      for (let i = 0; i < WIDTH; i++) sum[i]! += c[i]!;
      const [, , drg, rw] = k.split(SEP) as [string, string, string, string];
      if (drg !== '') {
        totalRw = totalRw.plus(new Decimal(rw === '' ? 0 : rw).times(c[C.DrgCases]!));
        const r = region.get(drg)!;
        // Σ(los_i / mean_g) over the cell = Σlos × n_g / Σlos_g (exact in decimals).
        if (r.losSum > 0 && c[C.LosN]! > 0) timeNum = timeNum.plus(new Decimal(c[C.LosSum]!).times(r.losN).dividedBy(r.losSum));
        if (r.cost > 0) costNum = costNum.plus(new Decimal(c[C.CostSum]!).times(r.n).dividedBy(r.cost));
      }
      if (parts.points[k] !== undefined) pts = pts.plus(parts.points[k]!);
    }
    const byClass = {} as Record<OutlierClass, { cases: number; payment: Fen }>;
    let payments = 0;
    OUTLIER_CLASSES.forEach((cls, i) => {
      byClass[cls] = { cases: sum[C.Classes + 2 * i]!, payment: sum[C.Classes + 2 * i + 1]! };
      payments += sum[C.Classes + 2 * i + 1]!;
    });
    const drgCases = sum[C.DrgCases]!;
    return {
      cases: sum[C.Cases]!,
      drgCases,
      totalRw,
      cmi: drgCases > 0 ? totalRw.dividedBy(drgCases) : null,
      points: points ? pts : null,
      timeIndex: sum[C.LosN]! > 0 ? timeNum.dividedBy(sum[C.LosN]!) : null,
      costIndex: drgCases > 0 ? costNum.dividedBy(drgCases) : null,
      byClass,
      payments,
      patientPayments: sum[C.PatientSum]!,
    };
  };
  const levelOf = (h: string): string => (parts.levels[h] ?? []).sort().join('|');

  // Point values: provisional from the policy; final fixed by the policy or computed from the year's points.
  let pv: Settlement['pointValue'] = null;
  if (points) {
    const pp = policy.points!;
    const totalPoints = Object.values(parts.points).reduce((a, p) => a.plus(p), new Decimal(0));
    let final: Decimal;
    let how: string;
    if (pp.final_point_value !== undefined) {
      final = pp.final_point_value;
      how = 'fixed by the policy (points.final_point_value)';
    } else {
      const patient = pp.patient_share_total ?? keys.reduce((a, k) => a + parts.cells[k]![C.PatientSum]!, 0);
      final = pointValue({ fundBudget: pp.fund_budget!, patientShare: patient, totalPoints, decimals: pp.value_decimals ?? 4 });
      how = `(fund budget ${new Decimal(pp.fund_budget!).dividedBy(100).toFixed(2)} + patients' share ${new Decimal(patient).dividedBy(100).toFixed(2)}${pp.patient_share_total !== undefined ? ' (policy)' : ' (sum of the cases)'}) / ${totalPoints} points`;
    }
    pv = { provisional: pp.point_value, final, totalPoints, how };
  }
  const reserveShare = policy.settlement?.reserve_share ?? new Decimal(0);
  const entitlement = (f: HospitalFigures, value: Decimal | null): Fen => (value !== null ? roundFen(f.points!.times(value).times(100)) : f.payments);

  const periods: PeriodStatement[] = [];
  const advances = new Map<string, number>();
  const reserves = new Map<string, number>();
  for (const [g, cellKeys] of [...groupBy((h, month) => `${h}${SEP}${periodOf(month, period)}`)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const [hospitalId, p] = g.split(SEP) as [string, string];
    const f = figures(cellKeys);
    const ent = entitlement(f, pv?.provisional ?? null);
    const fundDue = ent - f.patientPayments;
    const reserve = roundFen(reserveShare.times(fundDue));
    const advance = fundDue - reserve;
    advances.set(hospitalId, (advances.get(hospitalId) ?? 0) + advance);
    reserves.set(hospitalId, (reserves.get(hospitalId) ?? 0) + reserve);
    periods.push({ hospitalId, level: levelOf(hospitalId), period: p, ...f, entitlement: ent, fundDue, reserve, advance });
  }

  const clearing: ClearingStatement[] = [];
  for (const [hospitalId, cellKeys] of [...groupBy((h) => h)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const f = figures(cellKeys);
    const ent = entitlement(f, pv?.final ?? null);
    const adv = options.advances?.get(hospitalId) ?? advances.get(hospitalId) ?? 0;
    const assessment = options.assessment?.get(hospitalId) ?? 0;
    clearing.push({ hospitalId, level: levelOf(hospitalId), ...f, entitlement: ent, advances: adv, reserves: reserves.get(hospitalId) ?? 0, assessment, clearing: clearingAmount({ entitlement: ent, patientPayments: f.patientPayments, advances: adv, assessment }) });
  }
  const total = (f: (c: ClearingStatement) => number) => clearing.reduce((a, c) => a + f(c), 0);
  return {
    method: policy.method,
    periods,
    clearing,
    review,
    pointValue: pv,
    totals: { cases: total((c) => c.cases), payments: total((c) => c.payments), patientPayments: total((c) => c.patientPayments), entitlement: total((c) => c.entitlement), clearing: total((c) => c.clearing) },
  };
}

/** Accept flagged cases up to the cap (largest cost / standard first, then by id), refuse the rest. */
function enforceCap(parts: SettlementParts, flagged: readonly Flagged[], policy: Policy): ReviewCap[] {
  const cfg = policy.outliers.special_review;
  if (flagged.length === 0 && cfg === undefined) return [];
  const byHospital = cfg?.scope === 'hospital';
  const casesIn = new Map<string, number>();
  const countCases = (scope: string, n: number) => casesIn.set(scope, (casesIn.get(scope) ?? 0) + n);
  for (const [k, c] of Object.entries(parts.cells)) countCases(byHospital ? k.split(SEP)[0]! : 'region', c[C.Cases]!);
  const groups = new Map<string, Flagged[]>();
  for (const f of flagged) {
    const scope = byHospital ? f.hospitalId : 'region';
    countCases(scope, 1);
    let list = groups.get(scope);
    if (list === undefined) groups.set(scope, (list = []));
    list.push(f);
  }
  const out: ReviewCap[] = [];
  for (const scope of [...groups.keys()].sort()) {
    const list = groups.get(scope)!;
    const cases = casesIn.get(scope) ?? 0;
    // The cap is a whole number of cases, rounded down: a share is never exceeded.
    const cap = cfg === undefined ? 0 : cfg.cap_share.times(cases).floor().toNumber();
    const ranked = [...list].sort((a, b) => new Decimal(b.ratio).comparedTo(a.ratio) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const refusedIds: string[] = [];
    ranked.forEach((f, i) => {
      const ok = i < cap;
      addPay(parts, f.key, f.cell, ok ? f.accept : f.refuse);
      if (!ok) refusedIds.push(f.id);
    });
    out.push({ scope, cases, cap, flagged: list.length, accepted: Math.min(cap, list.length), refused: refusedIds.length, refusedIds });
  }
  return out;
}
