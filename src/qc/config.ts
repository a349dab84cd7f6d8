/**
 * The region configuration of the quality checks: one JSON file, validated
 * with zod, that switches rules off, changes their severities, sets the
 * numeric parameters and extends or trims the code lists.
 *
 *   {
 *     "name": "Example city 2025",
 *     "rules": { "principal.symptom": "error", "required.total_cost": "off" },
 *     "params": { "obstetric_age": { "min": 12, "max": 55 } },
 *     "sex_mdcs": { "male": ["MDCM"], "female": ["MDCN", "MDCO"] },
 *     "lists": { "male_dx": { "add": ["N40*"], "remove": ["I89.000x023"] },
 *                "secondary_only_dx": { "add_files": ["secondary-only.csv"] } }
 *   }
 *
 * Every field is optional; what is not given keeps its default. Problems are
 * collected and thrown together as a DataError, each naming the file, the
 * JSON path (`$.rules["sex.dxx"]`) and the field.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { cellText, readTable } from '../csv/table.js';
import { DataError, type DataIssue, IssueList, showValue } from '../errors.js';
import type { CompiledScheme, Semantics } from '../../groupers/chs-drg/index.js';
import { LIST_NAMES, type ListEdit, type ListName, QC_LISTS, type SexMdcs } from './facts.js';
import { type CodePattern, compilePattern } from './patterns.js';
import { RULES_BY_ID } from './rules/index.js';
import type { QcParams, QcRule, Severity } from './types.js';

export const DEFAULT_PARAMS: QcParams = {
  age: { min: 0, max: 150 },
  age_days: { min: 0, max: 365 },
  birth_weight: { min: 100, max: 9999 },
  discharge_codes: [1, 2, 3, 4, 5, 9],
  obstetric_age: { min: 10, max: 60 },
  perinatal_max_age: 0,
  newborn_max_days: 28,
  vent_hours_per_day: 24,
  cost_column_prefix: 'cost_',
  score_warning_weight: 0.2,
};

export const DEFAULT_SEX_MDCS: SexMdcs = {
  male: ['MDCM'],
  female: ['MDCN', 'MDCO'],
  shared: ['MDCA', 'MDCP', 'MDCY', 'MDCZ'],
};

const setting = z.enum(['error', 'warning', 'off'], { error: 'must be "error", "warning" or "off"' });
const pattern = z.string().superRefine((s, ctx) => {
  const p = compilePattern(s);
  if (typeof p === 'string') ctx.addIssue({ code: 'custom', message: p });
});
const listEdit = z.strictObject({
  add: z.array(pattern).optional(),
  remove: z.array(pattern).optional(),
  add_files: z.array(z.string().min(1)).optional(),
});
const span = z
  .strictObject({ min: z.number(), max: z.number() })
  .refine((r) => r.min <= r.max, { message: 'min must not be above max', path: ['max'] });
const mdcs = z.array(z.string().regex(/^MDC[A-Z]$/, 'not an MDC code (MDCA … MDCZ)'));

export const qcConfigSchema = z.strictObject({
  /** A name for the configuration (shown in summaries). */
  name: z.string().min(1).optional(),
  /** Rule id → severity, or "off". */
  rules: z.record(z.string(), setting).optional(),
  params: z
    .strictObject({
      age: span,
      age_days: span,
      birth_weight: span,
      discharge_codes: z.array(z.number().int()).min(1),
      obstetric_age: span,
      perinatal_max_age: z.number().int().min(0),
      newborn_max_days: z.number().int().min(0),
      vent_hours_per_day: z.number().positive(),
      cost_column_prefix: z.string().min(1),
      score_warning_weight: z.number().min(0).max(1),
    })
    .partial()
    .optional(),
  sex_mdcs: z.strictObject({ male: mdcs, female: mdcs, shared: mdcs }).partial().optional(),
  lists: z.strictObject(Object.fromEntries(LIST_NAMES.map((n) => [n, listEdit.optional()])) as Record<ListName, z.ZodOptional<typeof listEdit>>).optional(),
});
export type QcConfigJson = z.input<typeof qcConfigSchema>;

/** What a configuration error message starts with (each issue names the file). */
const CONTEXT = 'invalid quality-check configuration';

/** `$.rules["sex.dx"]`-style path of a zod issue. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`)).join('')}`;
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v = json;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** A compiled, immutable quality-check configuration. Build once; use for any number of cases and schemes. */
export class QcConfig {
  /**
   * Per-scheme compiled checkers, built on first use (see engine.ts). Owned by
   * this configuration, so a configuration and a scheme compile once together.
   */
  private readonly compiled = new WeakMap<CompiledScheme, unknown>();

  constructor(
    /** Name from the file, or `default`. */
    readonly name: string,
    /** The file it came from, or null. */
    readonly file: string | null,
    /** Severity overrides by rule id (rules not named keep their defaults). */
    readonly overrides: ReadonlyMap<string, Severity | 'off'>,
    readonly params: QcParams,
    readonly sexMdcs: SexMdcs,
    /** Each code list's patterns: built-in ones merged with the region's. */
    readonly lists: Readonly<Record<ListName, ListEdit>>,
  ) {}

  /** The severity of a rule under this configuration and a semantics, or `off`. */
  severityOf(rule: QcRule, semantics: Semantics): Severity | 'off' {
    return this.overrides.get(rule.id) ?? rule.severityUnder?.[semantics] ?? rule.severity;
  }

  /** The value compiled for a scheme under this configuration, built once by `build`. */
  compiledFor<T>(scheme: CompiledScheme, build: () => T): T {
    let c = this.compiled.get(scheme) as T | undefined;
    if (c === undefined) {
      c = build();
      this.compiled.set(scheme, c);
    }
    return c;
  }
}

export interface QcConfigOptions {
  /** File name used in messages. */
  readonly file?: string;
  /** Folder that relative `add_files` paths are resolved against (default: the working directory). */
  readonly baseDir?: string;
}

/**
 * Validate a configuration object (parsed JSON) and compile it. `{}` (or no
 * argument) is the default configuration. Throws a DataError listing every
 * problem with its JSON path.
 */
export function qcConfig(json: unknown = {}, options: QcConfigOptions = {}): QcConfig {
  const file = options.file;
  const issues = new IssueList();
  const where = (path: readonly PropertyKey[]): Pick<DataIssue, 'file' | 'path' | 'column'> => ({
    ...(file !== undefined ? { file } : {}),
    path: jsonPath(path),
    ...(path.length > 0 ? { column: String(path[path.length - 1]) } : {}),
  });
  const parsed = qcConfigSchema.safeParse(json);
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      if (iss.code === 'unrecognized_keys') {
        for (const key of iss.keys) issues.add({ code: 'qc-config.unknown-field', ...where([...iss.path, key]), message: `unknown field "${key}"${knownFields(iss.path)}` });
        continue;
      }
      const v = valueAt(json, iss.path);
      issues.add({ code: 'qc-config.invalid', ...where(iss.path), ...(v !== undefined ? { value: showValue(v) } : {}), message: `${iss.message}${v !== undefined && typeof v !== 'object' ? ` (found ${JSON.stringify(v)})` : ''}` });
    }
  }
  // Rule ids are checked on the raw object too, so that one run reports every problem.
  const rawRules = (json as { rules?: unknown } | null)?.rules;
  if (rawRules !== null && typeof rawRules === 'object' && !Array.isArray(rawRules)) {
    for (const id of Object.keys(rawRules)) {
      if (!RULES_BY_ID.has(id)) issues.add({ code: 'qc-config.unknown-rule', ...where(['rules', id]), value: id, message: `unknown rule id "${id}"${suggest(id)}` });
    }
  }
  issues.throwIfAny(CONTEXT);
  const cfg = parsed.data!;
  const overrides = new Map<string, Severity | 'off'>();
  for (const [id, sev] of Object.entries(cfg.rules ?? {})) overrides.set(id, sev);
  const baseDir = options.baseDir ?? process.cwd();
  const lists = {} as Record<ListName, ListEdit>;
  for (const name of LIST_NAMES) {
    const spec = QC_LISTS[name];
    const edit = cfg.lists?.[name];
    const add: CodePattern[] = [...spec.base, ...(edit?.add ?? [])].map((t) => compilePattern(t) as CodePattern);
    const remove: CodePattern[] = [...spec.baseRemove, ...(edit?.remove ?? [])].map((t) => compilePattern(t) as CodePattern);
    (edit?.add_files ?? []).forEach((f, i) => {
      const path = isAbsolute(f) ? f : resolve(baseDir, f);
      const before = issues.size;
      const codes = readCodeFile(path, f, spec.system, issues);
      if (issues.size > before) issues.add({ code: 'qc-config.list-file', ...where(['lists', name, 'add_files', i]), value: f, message: `list file ${f} cannot be used (see the problems above)` });
      for (const c of codes) add.push({ kind: 'code', code: c.toUpperCase(), text: c });
    });
    lists[name] = { add, remove };
  }
  issues.throwIfAny(CONTEXT);
  const p = cfg.params ?? {};
  const params: QcParams = { ...DEFAULT_PARAMS, ...p };
  const sexMdcs: SexMdcs = { ...DEFAULT_SEX_MDCS, ...(cfg.sex_mdcs ?? {}) };
  return new QcConfig(cfg.name ?? 'default', file ?? null, overrides, params, sexMdcs, lists);
}

/** Read a configuration file (see {@link qcConfig}); `add_files` resolve against its folder. `display` names it in messages (default: the path). */
export function loadQcConfig(path: string, display: string = path): QcConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataError([{ code: 'qc-config.unreadable', file: display, message: e.code === 'ENOENT' ? 'no such file' : `cannot read the file: ${e.message}` }], CONTEXT);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError([{ code: 'qc-config.json', file: display, message: `not valid JSON: ${(err as Error).message}` }], CONTEXT);
  }
  return qcConfig(json, { file: display, baseDir: dirname(resolve(path)) });
}

/** The configuration of a file path, or the defaults for null (what bulk job specs carry). */
export function configOf(path: string | null, display?: string): QcConfig {
  return path === null ? qcConfig() : loadQcConfig(path, display);
}

const dxFileRow = z.object({ dx_code: cellText });
const pxFileRow = z.object({ proc_code: cellText });

/** Codes of a list file: a CSV with a `dx_code` (diagnosis lists) or `proc_code` column, as in scheme packages. */
function readCodeFile(path: string, display: string, system: 'dx' | 'px', issues: IssueList): string[] {
  const rows = readTable(path, system === 'dx' ? dxFileRow : pxFileRow, issues, { displayName: display, allowExtraColumns: true });
  return rows.map((r) => ('dx_code' in r.row ? r.row.dx_code : (r.row as { proc_code: string }).proc_code));
}

const TOP_FIELDS: Record<string, readonly string[]> = {
  '': ['name', 'rules', 'params', 'sex_mdcs', 'lists'],
  params: Object.keys(DEFAULT_PARAMS),
  sex_mdcs: ['male', 'female', 'shared'],
  lists: LIST_NAMES,
};

function knownFields(path: readonly PropertyKey[]): string {
  const key = path.length === 0 ? '' : path.length === 1 ? String(path[0]) : path[0] === 'lists' ? 'list' : undefined;
  if (key === 'list') return ' (expected: add, remove, add_files)';
  const known = key !== undefined ? TOP_FIELDS[key] : undefined;
  return known !== undefined ? ` (expected: ${known.join(', ')})` : '';
}

function suggest(id: string): string {
  const family = id.split('.')[0];
  const near = [...RULES_BY_ID.keys()].filter((k) => k.split('.')[0] === family);
  return near.length > 0 ? ` (rules of "${family}": ${near.join(', ')})` : ' (see drg qc --list-rules)';
}
