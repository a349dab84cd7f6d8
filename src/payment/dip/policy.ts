/**
 * The settlement policy of a DIP year (one JSON file, validated with zod):
 * fund budgets per pool (all cases, or employees and residents separately),
 * fund payment ratios, monthly advances, the special-review cap and each
 * hospital's assessment coefficient and audit deductions.
 */
import { z } from 'zod';
import { IssueList } from '../../errors.js';
import { readJson, validateJson } from '../../json/read.js';
import { decimalJson, yuanJson } from '../../../groupers/dip/format.js';

const ratio = decimalJson.refine((s) => Number(s) <= 1, 'must be at most 1');

export const poolSchema = z.strictObject({
  /** e.g. `all`, `employee`, `resident`. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a pool name: letters, digits, _ and -'),
  /** Values of the case column insured_type that belong to this pool (default: the name). Not needed with a single pool. */
  insured_types: z.array(z.string().min(1)).min(1).optional(),
  /** The pool's DIP fund budget for the year, yuan. */
  fund_budget: yuanJson,
  /** Fund-paid ÷ total cost of the pool's DIP cases; absent: computed from the fund_paid column. */
  fund_payment_ratio: ratio.refine((s) => /[1-9]/.test(s), 'must be greater than zero').optional(),
});

export const settlementPolicySchema = z
  .strictObject({
    format: z.literal('dip-settlement-1'),
    title: z.string().optional(),
    /** The settlement year: cases discharged in other years are scored but not settled. */
    year: z.number().int().min(1900).max(2999),
    pools: z.array(poolSchema).min(1),
    /** Share of each month's amount advanced (default 0.9). */
    advance_ratio: ratio.default('0.9'),
    /** Point value of monthly advances: `monthly` (the month's budget ÷ ratio ÷ the month's scores), `budget` (the directory's point value) or a number. */
    advance_point_value: z.union([z.literal('monthly'), z.literal('budget'), decimalJson]).default('monthly'),
    /** Cases of the region that may go to special review (default 0.005, 5 ‰). */
    special_review_cap: ratio.default('0.005'),
    /** Decimals the settlement point value is published with (rounded half up); absent: exact. */
    point_value_decimals: z.number().int().min(0).max(12).optional(),
    /** Assessment coefficient of hospitals the policy does not list (default 1). */
    default_assessment_coefficient: decimalJson.default('1'),
    hospitals: z
      .record(
        z.string().min(1),
        z.strictObject({
          assessment_coefficient: decimalJson.optional(),
          /** Audit deductions, yuan. */
          deductions: yuanJson.optional(),
        }),
      )
      .default({}),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.pools.forEach((pool, i) => {
      for (const t of pool.insured_types ?? [pool.name]) {
        const prev = seen.get(t);
        if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['pools', i, 'insured_types'], message: `insured type "${t}" is already in pool ${p.pools[prev]!.name}` });
        seen.set(t, i);
      }
    });
  });
export type SettlementPolicy = z.output<typeof settlementPolicySchema>;
export type SettlementPolicyInput = z.input<typeof settlementPolicySchema>;

/** Read and validate a policy file; throws a DataError naming the file and JSON path. */
export function readSettlementPolicy(path: string, displayName = path): SettlementPolicy {
  const issues = new IssueList();
  const policy = readJson(path, settlementPolicySchema, issues, { displayName, code: 'policy.invalid' });
  issues.throwIfAny('cannot read the settlement policy');
  return policy!;
}

/** Validate a policy object (library use); throws a DataError with JSON paths. */
export function parseSettlementPolicy(value: unknown): SettlementPolicy {
  const issues = new IssueList();
  const policy = validateJson(value, 'policy', settlementPolicySchema, issues, 'policy.invalid');
  issues.throwIfAny('invalid settlement policy');
  return policy!;
}

/** The pool (index) a case belongs to, from its insured type; -1 when none. A single pool without types takes every case. */
export function poolResolver(policy: SettlementPolicy): (insuredType: string | null) => number {
  if (policy.pools.length === 1 && policy.pools[0]!.insured_types === undefined) return () => 0;
  const byType = new Map<string, number>();
  policy.pools.forEach((p, i) => {
    for (const t of p.insured_types ?? [p.name]) byType.set(t, i);
  });
  return (t) => (t === null ? -1 : (byType.get(t) ?? -1));
}
