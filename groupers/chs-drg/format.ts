/**
 * The scheme package format (see ../shared/schemes/README.md), one zod schema
 * per file. Types of the loaded tables are inferred from these schemas.
 */
import { z } from 'zod';
import { cellInt, cellJson, cellNonNegInt, cellOptionalText, cellText } from '../../src/csv/table.js';

/** Grouping semantics a package declares in `manifest.json`. */
export const SEMANTICS = ['chs-drg-1', 'chs-drg-2.0'] as const;
export type Semantics = (typeof SEMANTICS)[number];

/** Diagnosis codes: ICD-10 insurance edition, e.g. `K35.300`, `I10.x05`, `E14.200x012+N08.3*`. */
export const DX_CODE = /^[A-Z][0-9A-Z][0-9A-Za-z.+*/]*$/;
/** Procedure codes: ICD-9-CM-3 insurance edition, e.g. `47.0901`, `96.0800x005`. */
export const PX_CODE = /^[0-9]{2}[0-9A-Za-z.]*$/;

const dxCode = cellText.regex(DX_CODE, 'not a diagnosis code (ICD-10, e.g. K35.300)');
const pxCode = cellText.regex(PX_CODE, 'not a procedure code (ICD-9-CM-3, e.g. 47.0901)');
const mdcCode = cellText.regex(/^MDC[A-Z]$/, 'not an MDC code (MDCA … MDCZ)');
const groupCode = cellText.regex(/^[A-Z0-9]{2,8}$/, 'not a group code (capital letters and digits)');
const ruleId = cellText.regex(/^[A-Za-z0-9_]{1,32}$/, 'not a rule id (letters, digits and _)');

export const manifestSchema = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  kind: z.literal('drg'),
  semantics: z.enum(SEMANTICS),
  files: z.record(z.string(), z.number().int().nonnegative()),
  mdc_eval_order: z.array(z.string().regex(/^MDC[A-Z]$/)).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const mdcRow = z.object({
  mdc: mdcCode,
  eval_order: cellNonNegInt,
  entry_condition_json: cellJson,
  n_dx: cellNonNegInt,
  name: cellOptionalText.optional(),
  stage: z.enum(['pre', 'principal']).optional(),
  on_no_adrg: z.enum(['next', 'stop']).optional(),
});

export const mdcDxRow = z.object({
  mdc: mdcCode,
  seq: cellNonNegInt,
  dx_code: dxCode,
  mdcz_region: cellOptionalText,
});

export const adrgRow = z.object({
  rule_id: ruleId,
  adrg: groupCode,
  mdc: mdcCode,
  order_in_mdc: cellInt,
  section: z.enum(['surgical', 'medical']),
  condition_json: cellJson,
  n_zd: cellNonNegInt,
  n_zd1: cellNonNegInt,
  n_ss: cellNonNegInt,
  n_ss1: cellNonNegInt,
  proc_groups: z.enum(['Y', 'N']),
  fallback_code: groupCode,
  name: cellOptionalText.optional(),
  qy_code: cellOptionalText.optional(),
  rule_kind: cellOptionalText.optional(),
});

const listName = cellText.regex(/^[a-z][a-z0-9_]*$|^ref_[A-Z0-9_]+$/, 'not a list name');

export const adrgDxRow = z.object({
  rule_id: ruleId,
  list: listName,
  dx_code: dxCode,
});

export const adrgPxRow = z.object({
  rule_id: ruleId,
  list: listName,
  proc_code: pxCode,
  proc_group: z
    .string()
    .regex(/^([1-9]\d*)?$/, 'expected a positive integer tag or nothing')
    .transform((s) => (s === '' ? null : s)),
});

export const drgRow = z.object({
  drg: groupCode,
  rule_id: ruleId,
  adrg: groupCode,
  mdc: mdcCode,
  order_in_adrg: cellInt,
  split: z.enum(['MCC', 'MCC_OR_CC', 'ALWAYS']),
  condition_json: cellJson,
  name: cellOptionalText,
});

export const ccRow = z.object({ dx_code: dxCode, exclusion_table: cellText });
export const ccPrincipalRow = z.object({ principal_dx_code: dxCode, exclusion_table: cellText });
export const orValidRow = z.object({ proc_code: pxCode, name: cellOptionalText });
export const dxNameRow = z.object({ dx_code: dxCode, name: cellOptionalText });
export const pxNameRow = z.object({ proc_code: pxCode, name: cellOptionalText });
/** Translation maps hold older or clinical spellings on the left: only trimmed non-empty text is required there. */
export const dxMapRow = z.object({ from_code: cellText, to_code: dxCode });
export const pxMapRow = z.object({ from_code: cellText, to_code: pxCode });
export const dxListRow = z.object({ dx_code: dxCode });
export const pxListRow = z.object({ proc_code: pxCode });
export const qyRow = z.object({ qy_code: groupCode, mdc: mdcCode, name: cellOptionalText });

export type MdcRow = z.infer<typeof mdcRow>;
export type MdcDxRow = z.infer<typeof mdcDxRow>;
export type AdrgRow = z.infer<typeof adrgRow>;
export type AdrgDxRow = z.infer<typeof adrgDxRow>;
export type AdrgPxRow = z.infer<typeof adrgPxRow>;
export type DrgRow = z.infer<typeof drgRow>;

/** Every file of a package: its row schema, and when it must be present. */
export const PACKAGE_FILES = {
  'mdc.csv': { schema: mdcRow, required: 'always' },
  'mdc_dx.csv': { schema: mdcDxRow, required: 'always' },
  'adrg.csv': { schema: adrgRow, required: 'always' },
  'adrg_dx.csv': { schema: adrgDxRow, required: 'always' },
  'adrg_px.csv': { schema: adrgPxRow, required: 'always' },
  'drg.csv': { schema: drgRow, required: 'always' },
  'cc.csv': { schema: ccRow, required: 'always' },
  'mcc.csv': { schema: ccRow, required: 'always' },
  'cc_exclusion_principal.csv': { schema: ccPrincipalRow, required: 'always' },
  'or_valid_procedures.csv': { schema: orValidRow, required: 'always' },
  'icd10_dx_names.csv': { schema: dxNameRow, required: 'always' },
  'icd9_proc_names.csv': { schema: pxNameRow, required: 'always' },
  'dx_code_map.csv': { schema: dxMapRow, required: 'never' },
  'proc_code_map.csv': { schema: pxMapRow, required: 'never' },
  'invalid_principal_dx.csv': { schema: dxListRow, required: 'chs-drg-2.0' },
  'invalid_principal_px.csv': { schema: pxListRow, required: 'chs-drg-2.0' },
  'gray_dx.csv': { schema: dxListRow, required: 'chs-drg-2.0' },
  'gray_px.csv': { schema: pxListRow, required: 'chs-drg-2.0' },
  'qy_codes.csv': { schema: qyRow, required: 'chs-drg-2.0' },
} as const satisfies Record<string, { schema: z.ZodObject; required: 'always' | 'never' | Semantics }>;

export type PackageFile = keyof typeof PACKAGE_FILES;
export type PackageRows = { [F in PackageFile]: { line: number; row: z.infer<(typeof PACKAGE_FILES)[F]['schema']> }[] };
