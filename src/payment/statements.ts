/** Hospital settlement statements as CSV (one row per hospital and period; one per hospital at clearing). */
import { csvLine } from '../io/csv.js';
import { Decimal, formatYuan } from '../money.js';
import { fixed } from '../../weights/cells.js';
import type { ClearingStatement, HospitalFigures, PeriodStatement, Settlement } from './hospitals.js';
import { OUTLIER_CLASSES } from './types.js';

const opt = (d: Decimal | null, places: number): string => (d === null ? '' : fixed(d, places));

function figureColumns(points: boolean): string[] {
  return [
    'cases', 'drg_cases', 'total_rw', 'cmi', ...(points ? ['points'] : []), 'time_index', 'cost_index',
    ...OUTLIER_CLASSES.flatMap((c) => [`n_${c}`, `pay_${c}`]),
    'payments', 'patient_payments',
  ];
}

function figureCells(f: HospitalFigures, points: boolean): string[] {
  return [
    String(f.cases), String(f.drgCases), fixed(f.totalRw, 4), opt(f.cmi, 4), ...(points ? [f.points!.toString()] : []), opt(f.timeIndex, 4), opt(f.costIndex, 4),
    ...OUTLIER_CLASSES.flatMap((c) => [String(f.byClass[c].cases), formatYuan(f.byClass[c].payment)]),
    formatYuan(f.payments), formatYuan(f.patientPayments),
  ];
}

/** Per hospital and period: indicators, payments by class, entitlement, reserve and advance. */
export function periodCsv(s: Settlement): string {
  const points = s.method === 'points';
  let out = csvLine(['hospital_id', 'level', 'period', ...figureColumns(points), 'entitlement', 'fund_due', 'reserve', 'advance']);
  for (const p of s.periods as PeriodStatement[]) {
    out += csvLine([p.hospitalId, p.level, p.period, ...figureCells(p, points), formatYuan(p.entitlement), formatYuan(p.fundDue), formatYuan(p.reserve), formatYuan(p.advance)]);
  }
  return out;
}

/** Per hospital, the year-end clearing statement. */
export function clearingCsv(s: Settlement): string {
  const points = s.method === 'points';
  let out = csvLine(['hospital_id', 'level', ...figureColumns(points), ...(points ? ['point_value'] : []), 'entitlement', 'advances', 'reserves_held', 'assessment', 'clearing']);
  for (const c of s.clearing as ClearingStatement[]) {
    out += csvLine([c.hospitalId, c.level, ...figureCells(c, points), ...(points ? [s.pointValue!.final.toString()] : []), formatYuan(c.entitlement), formatYuan(c.advances), formatYuan(c.reserves), formatYuan(c.assessment), formatYuan(c.clearing)]);
  }
  return out;
}
