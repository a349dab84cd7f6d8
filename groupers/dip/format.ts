/**
 * The DIP directory format, one zod schema per file. A directory is a folder:
 *
 *   directory.csv        the groups (required)
 *   dip.json             parameters: multiplier, point value, procedure typing,
 *                        deviation thresholds, hospital coefficients, auxiliary
 *                        subtype definitions (required)
 *   procedure_types.csv  procedure code → surgery | therapeutic | diagnostic (optional)
 *   subtypes.csv         per-group auxiliary subtype coefficients (optional)
 *
 * Types of the loaded files are inferred from these schemas.
 */
import { z } from 'zod';
import { cellNonNegInt, cellOptionalText, cellText } from '../../src/csv/table.js';
import { type Fen, parseYuan } from '../../src/money.js';
import { parseProcedureSet, type ProcedureSet } from './expr.js';

/** Group kinds. Core groups are keyed by a 4-character subcategory, comprehensive groups by a 3-character category. */
export const DIP_KINDS = ['core-surgical', 'core-conservative', 'comprehensive', 'primary-care'] as const;
export type DipKind = (typeof DIP_KINDS)[number];

/** Procedure types, lowest rank first: a case's type is the highest type among its procedures (`medical`: none). */
export const PROCEDURE_TYPES = ['medical', 'diagnostic', 'therapeutic', 'surgery'] as const;
export type ProcedureType = (typeof PROCEDURE_TYPES)[number];
/** Types a procedure code can have (a case without procedures is `medical`). */
export const CODE_TYPES = ['diagnostic', 'therapeutic', 'surgery'] as const;

/** Group codes: capital letters, digits, `.`, `-`, `_`, starting with a letter or digit. */
export const GROUP_CODE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;
/** ICD-10 category (3 characters, e.g. `K35`). */
export const CATEGORY_KEY = /^[A-Z][0-9]{2}$/;
/** ICD-10 subcategory (4 characters, e.g. `K35.3`; the 医保版 placeholder `I10.X` too). */
export const SUBCATEGORY_KEY = /^[A-Z][0-9]{2}\.[0-9A-Z]$/;

/** A non-negative decimal written as text (or a JSON number), kept as text for decimal.js. */
const DECIMAL = /^\d{1,15}(\.\d{1,12})?$/;
export const decimalCell = cellOptionalText.regex(DECIMAL, 'must be a non-negative number (digits, optionally with a decimal point)');
/** A non-negative decimal in JSON, as text or a number (read through its shortest spelling), kept as text. */
export const decimalJson = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .refine((s) => DECIMAL.test(s), 'must be a non-negative decimal number, e.g. "0.98"');
export const positiveDecimalJson = decimalJson.refine((s) => /[1-9]/.test(s), 'must be greater than zero');

/** A non-negative amount in yuan (at most two decimals) → fen. */
function toFen(s: string, ctx: z.RefinementCtx): Fen {
  const fen = parseYuan(s);
  if (fen === undefined || fen < 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative amount in yuan with at most two decimals' });
    return z.NEVER;
  }
  return fen;
}
const yuanCell = cellText.transform(toFen);
/** A non-negative amount in yuan in JSON (text or number) → fen. */
export const yuanJson = z.union([z.string(), z.number()]).transform((v, ctx) => toFen(typeof v === 'number' ? String(v) : v, ctx));

const procedureSetCell = z.string().transform((s, ctx): ProcedureSet => {
  const r = parseProcedureSet(s);
  if (typeof r === 'string') {
    ctx.addIssue({ code: 'custom', message: r });
    return z.NEVER;
  }
  return r;
});

/** One row of directory.csv. */
export const directoryRow = z
  .object({
    group_code: cellText.regex(GROUP_CODE, 'not a group code (capital letters, digits, ".", "-", "_"; at most 40)'),
    name: cellOptionalText.optional(),
    kind: z.enum(DIP_KINDS, { message: `unknown kind: expected one of ${DIP_KINDS.join(', ')}` }),
    dx_key: cellText.transform((s) => s.toUpperCase()),
    main_procedures: procedureSetCell,
    related_procedures: procedureSetCell,
    procedure_type: z.union([z.literal(''), z.enum(PROCEDURE_TYPES)], { message: `expected nothing or one of ${PROCEDURE_TYPES.join(', ')}` }),
    score: cellText.regex(DECIMAL, 'must be a non-negative number (digits, optionally with a decimal point)'),
    mean_cost: yuanCell,
    cases: cellNonNegInt,
  })
  .superRefine((r, ctx) => {
    const core = r.kind !== 'comprehensive';
    if (core && !SUBCATEGORY_KEY.test(r.dx_key)) {
      ctx.addIssue({ code: 'custom', path: ['dx_key'], message: `a ${r.kind} group needs a 4-character ICD-10 subcategory such as K35.3` });
    }
    if (!core && !CATEGORY_KEY.test(r.dx_key)) {
      ctx.addIssue({ code: 'custom', path: ['dx_key'], message: 'a comprehensive group needs a 3-character ICD-10 category such as K35' });
    }
    if (r.kind === 'core-surgical' && r.main_procedures.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['main_procedures'], message: 'a core-surgical group needs its main procedure(s)' });
    }
    if ((r.kind === 'core-conservative' || r.kind === 'comprehensive') && r.main_procedures.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['main_procedures'], message: `a ${r.kind} group has no procedures` });
    }
    if (r.main_procedures.length === 0 && r.related_procedures.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['related_procedures'], message: 'related procedures need main procedure(s)' });
    }
    if (r.kind === 'comprehensive' && r.procedure_type === '') {
      ctx.addIssue({ code: 'custom', path: ['procedure_type'], message: `a comprehensive group needs its procedure type (${PROCEDURE_TYPES.join(', ')})` });
    }
    if (r.kind !== 'comprehensive' && r.procedure_type !== '') {
      ctx.addIssue({ code: 'custom', path: ['procedure_type'], message: 'only comprehensive groups have a procedure type' });
    }
  });
export type DirectoryRow = z.infer<typeof directoryRow>;

/** One row of procedure_types.csv. */
export const procedureTypeRow = z.object({
  proc_code: cellText.regex(/^[0-9]{2}[0-9A-Za-z.]*$/, 'not a procedure code (ICD-9-CM-3, e.g. 47.0901)'),
  type: z.enum(CODE_TYPES, { message: `expected one of ${CODE_TYPES.join(', ')}` }),
});

/** One row of subtypes.csv: the coefficient of an auxiliary subtype inside a group (subtype mean / group mean). */
export const subtypeRow = z.object({
  group_code: cellText.regex(GROUP_CODE, 'not a group code'),
  subtype: cellText,
  cases: cellNonNegInt,
  mean_cost: yuanCell,
  coefficient: cellText.regex(DECIMAL, 'must be a non-negative number'),
});

// ---------------------------------------------------------------------------
// dip.json

const subtypeName = z.string().regex(/^[A-Za-z0-9+_.-]{1,24}$/, 'a subtype name: letters, digits, + _ . - (at most 24)');
const count = z.number().int().nonnegative();
/** ICD-10 code prefixes (category, subcategory or full code), matched case-insensitively. */
const dxPrefixes = z.array(z.string().regex(/^[A-Za-z][0-9A-Za-z.]{1,15}$/, 'not an ICD-10 code or prefix')).min(1);

/** An inclusive band [from, to]; `to` absent means no upper bound. */
const band = z
  .strictObject({ name: subtypeName, from: count, to: count.optional() })
  .refine((b) => b.to === undefined || b.to >= b.from, { message: 'to must not be below from', path: ['to'] });

export const auxiliarySchema = z.strictObject({
  /** Age bands; `unit` days (uses age_days, else age × 365) or years (uses age, else age_days ÷ 365). */
  age: z
    .array(
      z
        .strictObject({ name: subtypeName, unit: z.enum(['days', 'years']), from: count, to: count.optional() })
        .refine((b) => b.to === undefined || b.to >= b.from, { message: 'to must not be below from', path: ['to'] }),
    )
    .optional(),
  /** Death (discharge = 5). */
  death: z.boolean().optional(),
  /** Severity levels: any secondary diagnosis in `diagnoses` (prefixes) and length of stay above `los_over`. */
  severity: z.array(z.strictObject({ name: subtypeName, diagnoses: dxPrefixes, los_over: count.optional() })).optional(),
  /** ICU-day bands (the extra column icu_days). */
  icu: z.array(band).optional(),
  /** Charlson comorbidity index from secondary diagnoses: conditions with weights, then bands of the total. */
  cci: z
    .strictObject({
      conditions: z
        .array(z.strictObject({ name: z.string().min(1), weight: z.number().int().positive(), codes: dxPrefixes, replaces: z.array(z.string()).optional() }))
        .min(1),
      bands: z.array(band).min(1),
    })
    .optional(),
});
export type AuxiliaryConfig = z.infer<typeof auxiliarySchema>;

export const paramsSchema = z.strictObject({
  format: z.literal('dip-directory-1'),
  title: z.string().optional(),
  /** Score multiplier: RW = m / M × multiplier (1000, some regions 100). */
  multiplier: z.number().int().positive().default(1000),
  /** Decimals of directory scores. */
  score_decimals: z.number().int().min(0).max(6).default(2),
  /** Decimals of case scores (rounded once, half up). */
  case_score_decimals: z.number().int().min(0).max(8).default(4),
  /** Budget point value, yuan per score point: a case's standard cost is its score × this. */
  point_value: positiveDecimalJson,
  /** Procedure typing: codes not in procedure_types.csv get `default_type`; `key_types` form core-group combinations. */
  procedures: z
    .strictObject({
      default_type: z.enum(CODE_TYPES).default('therapeutic'),
      key_types: z.array(z.enum(CODE_TYPES)).min(1).default(['surgery']),
    })
    .prefault({}),
  /** Deviation thresholds, as multiples of the standard cost. */
  deviation: z
    .strictObject({
      low: decimalJson.default('0.5'),
      high: decimalJson.default('2'),
      extreme: decimalJson.default('5'),
    })
    .prefault({}),
  /** Hospital coefficient per hospital level (`"1"`, `"2"`, `"3"`); primary-care groups never get one. */
  hospital_coefficients: z.record(z.string().regex(/^\d+$/, 'a hospital level (digits)'), positiveDecimalJson).optional(),
  auxiliary: auxiliarySchema.optional(),
  /** What `drg dip build` records about the history it used (informative only). */
  build: z.record(z.string(), z.unknown()).optional(),
}).superRefine((p, ctx) => {
  const { low, high, extreme } = p.deviation;
  if (!(Number(low) <= 1 && Number(high) >= 1 && Number(extreme) >= Number(high))) {
    ctx.addIssue({ code: 'custom', path: ['deviation'], message: `thresholds must satisfy low ≤ 1 ≤ high ≤ extreme (got low ${low}, high ${high}, extreme ${extreme})` });
  }
});
export type DipParams = z.infer<typeof paramsSchema>;
export type DipParamsInput = z.input<typeof paramsSchema>;

/**
 * Parameters `drg dip build --params` takes (a part of dip.json): they are
 * written into the built dip.json; auxiliary subtypes are also evaluated.
 */
export const buildParamsSchema = z.strictObject({
  title: z.string().optional(),
  case_score_decimals: z.number().int().min(0).max(8).optional(),
  procedures: z.strictObject({ default_type: z.enum(CODE_TYPES).optional(), key_types: z.array(z.enum(CODE_TYPES)).min(1).optional() }).optional(),
  deviation: z.strictObject({ low: decimalJson.optional(), high: decimalJson.optional(), extreme: decimalJson.optional() }).optional(),
  auxiliary: auxiliarySchema.optional(),
});
export type BuildParams = z.infer<typeof buildParamsSchema>;

/** Files of a directory folder. */
export const DIRECTORY_FILE = 'directory.csv';
export const PARAMS_FILE = 'dip.json';
export const PROCEDURE_TYPES_FILE = 'procedure_types.csv';
export const SUBTYPES_FILE = 'subtypes.csv';
