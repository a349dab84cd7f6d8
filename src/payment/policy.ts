/**
 * The region's DRG payment policy: one JSON file, defined once here as a zod
 * schema (types come from it), validated at load with every problem named by
 * file and JSON path. Decimals are written as text ("1.05") or JSON numbers;
 * amounts in yuan with at most two decimals. Every threshold, band, multiple
 * and coefficient is a parameter here; the engine has none of its own.
 *
 * ```json
 * {
 *   "name": "Example city 2024",
 *   "method": "rate",
 *   "rate": { "default": "11538.46", "by_level": { "3": "12000.00" } },
 *   "coefficients": { "default": "1", "by_level": { "3": "1.05" }, "by_hospital": { "H001": "1.08" } },
 *   "outliers": {
 *     "reference": "standard",
 *     "high": [ { "rw_upto": "1", "multiple": "3" }, { "rw_above": "1", "rw_upto": "3", "multiple": "2" }, { "rw_above": "3", "multiple": "1.5" } ],
 *     "low": { "multiple": "0.4" },
 *     "long_stay": { "los_over": 60 },
 *     "special_review": { "cap_share": "0.05", "scope": "region" }
 *   },
 *   "pay": {
 *     "normal": { "mode": "standard" },
 *     "high": { "mode": "standard_plus_excess" },
 *     "low": { "mode": "proportional" },
 *     "ungroupable": { "mode": "by_item", "factor": "0.9" },
 *     "long_stay": { "mode": "by_item", "factor": "1" },
 *     "special_review": { "mode": "by_item", "factor": "1" }
 *   },
 *   "settlement": { "reserve_share": "0.05" }
 * }
 * ```
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { type DataIssue, DataError } from '../errors.js';
import type { Decimal } from '../money.js';
import { jsonDecimal, jsonPositiveDecimal, jsonShare, jsonYuan, levelKey } from '../../weights/cells.js';
import { payMode, payEntrySchema } from './modes/index.js';
import type { OutlierClass } from './types.js';

const levels = z.array(z.int().min(1).max(9)).min(1, 'give at least one level, or leave levels out for all levels');

/** A high-multiple band: RW in (rw_above, rw_upto] (either side open when left out), for some hospital levels. */
const highBand = z.strictObject({
  rw_above: jsonDecimal.optional(),
  rw_upto: jsonDecimal.optional(),
  levels: levels.optional(),
  multiple: jsonPositiveDecimal,
});

const byLevel = <T extends z.ZodType>(v: T) => z.record(levelKey, v);

export const policySchema = z.strictObject({
  name: z.string().min(1),
  method: z.enum(['rate', 'points']),
  /** Rate method: yuan per unit of RW, optionally per hospital level. */
  rate: z.strictObject({ default: jsonPositiveDecimal, by_level: byLevel(jsonPositiveDecimal).optional() }).optional(),
  /** Point method. */
  points: z
    .strictObject({
      /** Base points per unit of RW (e.g. 100). */
      per_rw: jsonPositiveDecimal,
      /** Decimals of case points, rounded half up (default 4). */
      decimals: z.int().min(0).max(8).optional(),
      /** Provisional point value, yuan per point: prices cases and monthly advances. */
      point_value: jsonPositiveDecimal,
      /** Overall mean cost of the weights' history, yuan: converts by-item amounts to points. */
      overall_mean_cost: jsonYuan.optional(),
      /** Final point value for clearing, when already fixed. */
      final_point_value: jsonPositiveDecimal.optional(),
      /** DRG fund budget of the year, yuan: final point value = (fund budget + patients' share) / total points. */
      fund_budget: jsonYuan.optional(),
      /** Patients' share of the year, yuan (default: the sum of the cases' patient shares). */
      patient_share_total: jsonYuan.optional(),
      /** Decimals of a computed final point value (default 4). */
      value_decimals: z.int().min(0).max(8).optional(),
    })
    .optional(),
  coefficients: z
    .strictObject({
      default: jsonPositiveDecimal.optional(),
      by_level: byLevel(jsonPositiveDecimal).optional(),
      by_hospital: z.record(z.string().min(1), jsonPositiveDecimal).optional(),
    })
    .optional(),
  outliers: z.strictObject({
    /** What costs are compared with: the case's payment standard, or the group's mean cost from the weight table. */
    reference: z.enum(['standard', 'mean_cost']),
    high: z.array(highBand).min(1).optional(),
    low: z.strictObject({ multiple: jsonPositiveDecimal, by_level: byLevel(jsonPositiveDecimal).optional() }).optional(),
    long_stay: z.strictObject({ los_over: z.number().positive() }).optional(),
    special_review: z.strictObject({ cap_share: jsonShare, scope: z.enum(['region', 'hospital']) }).optional(),
  }),
  pay: z.strictObject({
    normal: payEntrySchema,
    ungroupable: payEntrySchema,
    high: payEntrySchema.optional(),
    low: payEntrySchema.optional(),
    long_stay: payEntrySchema.optional(),
    special_review: payEntrySchema.optional(),
  }),
  settlement: z
    .strictObject({
      /** Share of each monthly fund amount held back until clearing (e.g. 0.05). */
      reserve_share: jsonShare,
    })
    .optional(),
});

export type Policy = z.output<typeof policySchema>;
export type HighBand = z.output<typeof highBand>;

const jsonPath = (path: readonly PropertyKey[]): string => `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

/** Checks zod cannot express alone: sections the method needs, pay entries per class, overlapping bands. */
function crossCheck(p: Policy, file: string): DataIssue[] {
  const issues: DataIssue[] = [];
  const add = (path: string, message: string, code = 'policy.invalid'): void => void issues.push({ code, file, path, message });
  if (p.method === 'rate' && p.rate === undefined) add('$.rate', 'method "rate" needs a rate section ({ "default": "…" })');
  if (p.method === 'points' && p.points === undefined) add('$.points', 'method "points" needs a points section (per_rw, point_value)');
  if (p.method === 'points' && p.points?.final_point_value === undefined && p.points?.fund_budget === undefined) {
    add('$.points', 'the point method needs final_point_value or fund_budget (to compute the final point value at clearing)');
  }
  const configured: Record<OutlierClass, boolean> = {
    normal: true,
    ungroupable: true,
    high: p.outliers.high !== undefined,
    low: p.outliers.low !== undefined,
    long_stay: p.outliers.long_stay !== undefined,
    special_review: p.outliers.special_review !== undefined,
  };
  for (const cls of Object.keys(configured) as OutlierClass[]) {
    const entry = p.pay[cls];
    if (configured[cls] && entry === undefined) add(`$.pay.${cls}`, `outliers.${cls} is configured, so pay.${cls} is required`, 'policy.missing');
    if (!configured[cls] && entry !== undefined) add(`$.pay.${cls}`, `pay.${cls} is given but outliers.${cls} is not configured`);
    if (entry === undefined) continue;
    const mode = payMode(entry.mode);
    if (!mode.classes.includes(cls)) add(`$.pay.${cls}.mode`, `mode "${entry.mode}" cannot pay class ${cls} (it can pay: ${mode.classes.join(', ')})`);
    if (entry.mode === 'by_item' && p.method === 'points' && p.points !== undefined && p.points.overall_mean_cost === undefined) {
      add('$.points.overall_mean_cost', `pay.${cls} is by_item under the point method: points.overall_mean_cost is needed to turn yuan into points`, 'policy.missing');
    }
  }
  const bands = p.outliers.high ?? [];
  bands.forEach((b, i) => {
    if (b.rw_above !== undefined && b.rw_upto !== undefined && !b.rw_above.lessThan(b.rw_upto)) add(`$.outliers.high[${i}].rw_upto`, `rw_upto (${b.rw_upto}) must be greater than rw_above (${b.rw_above})`);
  });
  for (let i = 0; i < bands.length; i++) {
    for (let j = 0; j < i; j++) {
      if (bandsOverlap(bands[i]!, bands[j]!)) {
        add(`$.outliers.high[${i}]`, `band ${describeBand(bands[i]!)} overlaps band $.outliers.high[${j}] ${describeBand(bands[j]!)}: a case must match at most one band`, 'policy.overlap');
      }
    }
  }
  return issues;
}

function bandsOverlap(a: HighBand, b: HighBand): boolean {
  const levelsMeet = a.levels === undefined || b.levels === undefined || a.levels.some((l) => b.levels!.includes(l));
  if (!levelsMeet) return false;
  // (a1, b1] and (a2, b2] meet when max(a1, a2) < min(b1, b2).
  const lo = maxOf(a.rw_above, b.rw_above);
  const hi = minOf(a.rw_upto, b.rw_upto);
  return lo === undefined || hi === undefined || lo.lessThan(hi);
}
const maxOf = (x: Decimal | undefined, y: Decimal | undefined) => (x === undefined ? y : y === undefined ? x : x.greaterThan(y) ? x : y);
const minOf = (x: Decimal | undefined, y: Decimal | undefined) => (x === undefined ? y : y === undefined ? x : x.lessThan(y) ? x : y);

/** A band in words: `1 < RW ≤ 3, levels 3`. */
export function describeBand(b: HighBand): string {
  const rw = b.rw_above !== undefined && b.rw_upto !== undefined ? `${b.rw_above} < RW ≤ ${b.rw_upto}` : b.rw_above !== undefined ? `RW > ${b.rw_above}` : b.rw_upto !== undefined ? `RW ≤ ${b.rw_upto}` : 'any RW';
  return `(${rw}${b.levels !== undefined ? `, level${b.levels.length > 1 ? 's' : ''} ${b.levels.join('/')}` : ''})`;
}

/** Validate a parsed JSON value as a policy. Throws DataError naming the file and JSON path of every problem. */
export function parsePolicy(json: unknown, file: string): Policy {
  const r = policySchema.safeParse(json);
  if (!r.success) {
    throw new DataError(
      r.error.issues.map((iss) => ({ code: 'policy.invalid', file, path: jsonPath(iss.path), message: iss.message })),
      `policy ${file}`,
    );
  }
  const issues = crossCheck(r.data, file);
  if (issues.length > 0) throw new DataError(issues, `policy ${file}`);
  return r.data;
}

/** Read and validate a policy file. */
export function loadPolicy(path: string): Policy {
  const file = basename(path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataError([{ code: 'policy.unreadable', file, message: e.code === 'ENOENT' ? 'no such file' : e instanceof SyntaxError ? `not valid JSON: ${e.message}` : `cannot read: ${e.message}` }], `policy ${file}`);
  }
  return parsePolicy(json, file);
}
