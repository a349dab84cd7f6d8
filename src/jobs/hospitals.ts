/**
 * The `hospitals` job: read priced cases (the output of `drg price`) and add
 * them up into partial hospital settlements (payment/hospitals.ts), merged
 * across batches. Rows that cannot be settled (no hospital, no discharge
 * date, an unreadable amount) go to the rejects stream with their reason.
 */
import { HeaderError } from '../case/decode.js';
import { isRealDate } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch } from '../io/rows.js';
import { type Fen, parseYuan } from '../money.js';
import { addCase, emptyParts, mergeParts, type SettlementCase, type SettlementParts } from '../payment/hospitals.js';
import { OUTLIER_CLASSES, type OutlierClass } from '../payment/types.js';

export interface HospitalsJobSpec extends JobSpecBase {
  readonly kind: 'hospitals';
  /** Whether priced rows carry points (point method). */
  readonly points: boolean;
}

/** Columns of `drg price` output that settlement reads. */
export const SETTLE_COLUMNS = ['id', 'status', 'drg', 'hospital_id', 'hospital_level', 'discharge_date', 'los', 'total_cost', 'rw', 'standard', 'outlier_class', 'payment', 'patient_share', 'fallback_class', 'fallback_payment'] as const;
const POINT_COLUMNS = ['points', 'fallback_points'] as const;
type Col = (typeof SETTLE_COLUMNS)[number] | (typeof POINT_COLUMNS)[number];

/** Counters: read = settled + unpriced + unsettled + rejected. */
export const zeroSettleCounts = (): Counts => ({ read: 0, settled: 0, unpriced: 0, unsettled: 0, rejected: 0, blank: 0 });

const POINTS_TEXT = /^\d+(\.\d+)?$/;
const isClass = (s: string): s is OutlierClass => (OUTLIER_CLASSES as readonly string[]).includes(s);

/** Positions of the needed columns; throws HeaderError naming what is missing. */
export function settleHeader(header: readonly string[], points: boolean): Record<Col, number> {
  const cols: readonly Col[] = points ? [...SETTLE_COLUMNS, ...POINT_COLUMNS] : SETTLE_COLUMNS;
  const at = {} as Record<Col, number>;
  const missing: string[] = [];
  for (const c of cols) {
    at[c] = header.findIndex((h) => h.trim().toLowerCase() === c);
    if (at[c] < 0) missing.push(c);
  }
  if (missing.length > 0) {
    throw new HeaderError(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the input must be the output of drg price${points ? ' under a point-method policy' : ''} (header has: ${header.join(', ')})`);
  }
  return at;
}

export class HospitalsJob implements BatchJob<SettlementParts> {
  private readonly at: Record<Col, number>;

  constructor(readonly spec: HospitalsJobSpec) {
    this.at = settleHeader(spec.header, spec.points);
  }

  static merge(a: SettlementParts, b: SettlementParts): SettlementParts {
    return mergeParts(a, b);
  }

  head(): string {
    return '';
  }

  run(batch: RecordBatch): BatchOutput<SettlementParts> {
    const counts = zeroSettleCounts();
    const parts = emptyParts();
    let rejects = '';
    const reject = (line: number, raw: string, code: string, message: string): void => {
      rejects += csvLine([String(line), code, `line ${line}: ${message}`, raw]);
    };
    parseBatch(batch, this.spec.header.length, this.spec.newline, {
      row: (line, cells) => {
        counts['read']!++;
        const r = this.read(cells);
        if (r === null) counts['unpriced']!++;
        else if ('code' in r) {
          counts['unsettled']!++;
          reject(line, csvLine(cells).slice(0, -1), r.code, r.message);
        } else {
          counts['settled']!++;
          addCase(parts, r);
        }
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        counts['read']!++;
        counts['rejected']!++;
        rejects += csvLine([String(line), code, message, raw]);
      },
    });
    return { out: '', rejects, counts, aggregate: parts };
  }

  /** A settlement case, null for an unpriced row, or the problem. */
  private read(cells: readonly string[]): SettlementCase | { code: string; message: string } | null {
    const at = this.at;
    const get = (c: Col): string => cells[at[c]]!.trim();
    const cls = get('outlier_class');
    if (cls === '') return null;
    if (!isClass(cls)) return { code: 'outlier_class.unknown', message: `outlier_class "${cls}" is not one of ${OUTLIER_CLASSES.join(', ')}` };
    const hospitalId = get('hospital_id');
    if (hospitalId === '') return { code: 'hospital_id.missing', message: 'hospital_id is missing: the case cannot be settled to a hospital' };
    const date = get('discharge_date');
    if (!isRealDate(date)) return { code: 'discharge_date.missing', message: `discharge_date "${date}" is not a date (YYYY-MM-DD): the case has no period` };
    const amount = (c: Col, optional: boolean): Fen | null | { code: string; message: string } => {
      const s = get(c);
      if (s === '' && optional) return null;
      const v = parseYuan(s);
      return v === undefined ? { code: `${c}.not_an_amount`, message: `${c} "${s}" is not an amount in yuan` } : v;
    };
    const cost = amount('total_cost', false);
    const payment = amount('payment', false);
    const share = amount('patient_share', true);
    const standard = amount('standard', true);
    for (const a of [cost, payment, share, standard]) if (a !== null && typeof a === 'object') return a;
    const pts = (c: Col): string | null | { code: string; message: string } => {
      if (!this.spec.points) return null;
      const s = get(c);
      return POINTS_TEXT.test(s) ? s : { code: `${c}.not_a_number`, message: `${c} "${s}" is not a number of points` };
    };
    const points = pts('points');
    if (points !== null && typeof points === 'object') return points;
    let fallback: SettlementCase['fallback'] = null;
    if (cls === 'special_review') {
      const fc = get('fallback_class');
      const fp = amount('fallback_payment', false);
      if (!isClass(fc)) return { code: 'fallback_class.unknown', message: `a special_review case needs its fallback_class (found "${fc}")` };
      if (fp === null || typeof fp === 'object') return fp ?? { code: 'fallback_payment.missing', message: 'fallback_payment is missing' };
      const fpts = pts('fallback_points');
      if (fpts !== null && typeof fpts === 'object') return fpts;
      fallback = { class: fc, payment: fp, points: fpts };
    }
    const levelText = get('hospital_level');
    const losText = get('los');
    const rw = get('rw');
    const byDrg = get('status') === 'grouped' && rw !== '';
    return {
      id: get('id'),
      hospitalId,
      level: /^[1-9]$/.test(levelText) ? Number(levelText) : null,
      date,
      drg: byDrg ? get('drg') : null,
      rw: byDrg ? rw : null,
      los: /^\d+(\.\d+)?$/.test(losText) ? Number(losText) : null,
      cost: cost as Fen,
      standard: standard as Fen | null,
      class: cls,
      payment: payment as Fen,
      points: points as string | null,
      patientShare: share as Fen | null,
      fallback,
    };
  }
}
