/**
 * Per-code facts, computed once per (scheme, configuration): for every
 * diagnosis and procedure code the scheme knows, one 32-bit word of flags —
 * in the dictionary, male- or female-specific, external cause, secondary
 * only, symptom, perinatal, obstetric, delivery, gray. A rule then asks about
 * a case's codes with one array read and a bit test, never a string match.
 *
 * Each flag is a named code list. Its content is what the scheme package
 * says (the sex-specific MDC lists, `invalid_principal_*.csv`, `gray_*.csv`)
 * plus built-in code patterns (V01–Y98, P00–P96, …), then the region's
 * configured additions and removals (config.ts).
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseCsvText } from '../csv/table.js';
import { IssueList } from '../errors.js';
import type { CompiledScheme } from '../../groupers/chs-drg/index.js';
import { listHas, type ListRef } from '../../groupers/chs-drg/lists.js';
import { type CodePattern, foldCode, matchesAnyFolded } from './patterns.js';

/** Where a list's scheme-derived part comes from. */
type Derived = 'male' | 'female' | 'invalid_principal' | 'gray' | null;

export interface ListSpec {
  readonly system: 'dx' | 'px';
  /** The flag bit of the list in the facts word. */
  readonly bit: number;
  /** Built-in patterns added to the scheme-derived part. */
  readonly base: readonly string[];
  /** Built-in patterns taken out. */
  readonly baseRemove: readonly string[];
  readonly derived: Derived;
  readonly description: string;
}

/** Flag of a code that is in the scheme's dictionary (shared by both systems). */
export const KNOWN = 1 << 0;
/**
 * Flag of a code that is not (the complement of KNOWN, so that or-ing a case's
 * facts tells whether one is unknown). Every flag fits in 16 bits: the
 * per-code words are a Uint16Array, half the memory a look-up reads from.
 */
export const UNKNOWN = 1 << 15;

/** The code lists of the quality checks, by name (the names a region config uses). */
export const QC_LISTS = {
  male_dx: {
    system: 'dx',
    bit: 1 << 1,
    base: ['N40-N51', 'C60-C63', 'D29*', 'D40*', 'Q53-Q55'],
    baseRemove: [],
    derived: 'male',
    description: 'diagnoses for male patients only: codes of the male MDC list (MDCM) listed by no other MDC but the shared pre-MDCs, plus the ICD-10 male genital categories N40–N51, C60–C63, D29, D40, Q53–Q55',
  },
  female_dx: {
    system: 'dx',
    bit: 1 << 2,
    base: ['N70-N98', 'C51-C58', 'D25-D28', 'D39*', 'Q50-Q52', 'O00-O99'],
    baseRemove: [],
    derived: 'female',
    description: 'diagnoses for female patients only: codes of the female MDC lists (MDCN, MDCO) likewise, plus the ICD-10 female genital categories N70–N98, C51–C58, D25–D28, D39, Q50–Q52 and every obstetric code O00–O99',
  },
  external_cause_dx: { system: 'dx', bit: 1 << 3, base: ['V01-Y98'], baseRemove: [], derived: null, description: 'external causes of injury (V01–Y98): never principal' },
  secondary_only_dx: { system: 'dx', bit: 1 << 4, base: ['B95-B98'], baseRemove: [], derived: 'invalid_principal', description: 'codes only allowed as secondary diagnoses: invalid_principal_dx.csv of the scheme (CHS-DRG 2.0) plus B95–B98 (infectious agents)' },
  symptom_dx: { system: 'dx', bit: 1 << 5, base: ['R00-R99'], baseRemove: [], derived: null, description: 'symptoms, signs and abnormal findings (R00–R99)' },
  non_definite_dx: { system: 'dx', bit: 1 << 6, base: ['R00-R99', 'V01-Y98', 'Z00-Z99', 'U00-U99'], baseRemove: [], derived: null, description: 'codes that are not a definite diagnosis (symptoms, external causes, Z factors, U codes)' },
  perinatal_dx: { system: 'dx', bit: 1 << 7, base: ['P00-P96'], baseRemove: [], derived: null, description: 'perinatal conditions (P00–P96): patients under 1 year only' },
  obstetric_dx: { system: 'dx', bit: 1 << 8, base: ['O00-O99'], baseRemove: [], derived: null, description: 'pregnancy, childbirth and the puerperium (O00–O99): women of child-bearing age only' },
  delivery_dx: { system: 'dx', bit: 1 << 9, base: ['O80-O84', 'Z37*'], baseRemove: [], derived: null, description: 'delivery diagnoses (O80–O84) and outcome of delivery (Z37): the birth weight is required' },
  gray_dx: { system: 'dx', bit: 1 << 10, base: [], baseRemove: [], derived: 'gray', description: 'gray diagnosis codes that may not be used: gray_dx.csv of the scheme (CHS-DRG 2.0)' },
  male_px: {
    system: 'px',
    bit: 1 << 1,
    base: ['60-64'],
    baseRemove: [],
    derived: 'male',
    description: 'procedures for male patients only: listed only by ADRG rules of the male MDC (and shared pre-MDCs), plus ICD-9-CM-3 chapter 11, operations on the male genital organs (60–64)',
  },
  female_px: {
    system: 'px',
    bit: 1 << 2,
    base: ['65-75'],
    baseRemove: [],
    derived: 'female',
    description: 'procedures for female patients only: listed only by ADRG rules of the female MDCs likewise, plus ICD-9-CM-3 chapters 12–13, operations on the female genital organs and obstetric procedures (65–75)',
  },
  secondary_only_px: { system: 'px', bit: 1 << 4, base: [], baseRemove: [], derived: 'invalid_principal', description: 'procedures that may not be principal: invalid_principal_px.csv of the scheme (CHS-DRG 2.0)' },
  gray_px: {
    system: 'px',
    bit: 1 << 10,
    base: [],
    baseRemove: ['99.1000'],
    derived: 'gray',
    description: 'gray procedure codes that may not be used: gray_px.csv of the scheme (CHS-DRG 2.0), except 99.1000, which the 2.0 grouper accepts',
  },
} as const satisfies Record<string, ListSpec>;

export type ListName = keyof typeof QC_LISTS;
export const LIST_NAMES = Object.keys(QC_LISTS) as ListName[];

/** Flag bits by list name, for the rules. */
export const FACT = Object.fromEntries(LIST_NAMES.map((n) => [n, QC_LISTS[n].bit])) as { readonly [N in ListName]: number };

/** A list as configured: the region's additions and removals, compiled. */
export interface ListEdit {
  readonly add: readonly CodePattern[];
  readonly remove: readonly CodePattern[];
}

/** The MDCs whose lists make codes sex-specific, and those whose lists are ignored for it. */
export interface SexMdcs {
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly shared: readonly string[];
}

export interface CodeFacts {
  readonly dx: Uint16Array;
  readonly px: Uint16Array;
  /** Facts of a code the scheme has no id for (patterns only). */
  patternFacts(system: 'dx' | 'px', code: string): number;
}

interface ListPatterns {
  readonly bit: number;
  readonly derived: Derived;
  readonly add: readonly CodePattern[];
  readonly remove: readonly CodePattern[];
}

/** Build the facts of every code of a scheme under a configuration (lists already merged with their built-in patterns). */
export function computeFacts(scheme: CompiledScheme, lists: Readonly<Record<ListName, ListEdit>>, sex: SexMdcs): CodeFacts {
  const of = (system: 'dx' | 'px'): ListPatterns[] =>
    LIST_NAMES.filter((n) => QC_LISTS[n].system === system).map((n) => ({ bit: QC_LISTS[n].bit, derived: QC_LISTS[n].derived, add: lists[n].add, remove: lists[n].remove }));
  const dxLists = of('dx');
  const pxLists = of('px');
  const v = scheme.validation;
  const derivedDx = derivedLookup(sexByCode(scheme.dx.size, dxListedBy(scheme), sex), v?.invalidPrincipalDx, v?.grayDx);
  const derivedPx = derivedLookup(sexByCode(scheme.px.size, pxListedBy(scheme), sex), v?.invalidPrincipalPx, v?.grayPx);

  const fill = (table: CompiledScheme['dx'], ls: readonly ListPatterns[], derived: (d: Derived, id: number) => boolean): Uint16Array => {
    const out = new Uint16Array(table.size);
    for (let id = 0; id < table.size; id++) {
      // Folded once per code, not once per list (tens of thousands of codes × a dozen lists, in every worker).
      const code = foldCode(table.codes[id]!);
      let f = table.inDictionary(id) ? KNOWN : UNKNOWN;
      for (const l of ls) {
        if ((derived(l.derived, id) || matchesAnyFolded(l.add, code)) && !matchesAnyFolded(l.remove, code)) f |= l.bit;
      }
      out[id] = bothSexes(f);
    }
    return out;
  };
  const dx = fill(scheme.dx, dxLists, derivedDx);
  const px = fill(scheme.px, pxLists, derivedPx);
  return {
    dx,
    px,
    patternFacts(system, code) {
      let f = UNKNOWN;
      const folded = foldCode(code);
      for (const l of system === 'dx' ? dxLists : pxLists) if (matchesAnyFolded(l.add, folded) && !matchesAnyFolded(l.remove, folded)) f |= l.bit;
      return bothSexes(f);
    },
  };
}

const SEXES = QC_LISTS.male_dx.bit | QC_LISTS.female_dx.bit;

/** A code on both the male and the female list (a contradictory configuration) counts as neither. */
function bothSexes(f: number): number {
  return (f & SEXES) === SEXES ? f & ~SEXES : f;
}

/**
 * Sex-specific codes: listed by an MDC of that sex, and by no MDC other than
 * those of that sex and the shared ones (pre-MDCs whose lists cut across).
 */
function sexOf(listedBy: ReadonlySet<string>, sex: SexMdcs): 'male' | 'female' | null {
  let male = false;
  let female = false;
  for (const m of listedBy) {
    if (sex.male.includes(m)) male = true;
    else if (sex.female.includes(m)) female = true;
    else if (!sex.shared.includes(m)) return null;
  }
  return male && !female ? 'male' : female && !male ? 'female' : null;
}

/** Per code id: 1 male-specific, 2 female-specific, 0 neither. */
function sexByCode(size: number, listedBy: ReadonlyMap<number, ReadonlySet<string>>, sex: SexMdcs): Int8Array {
  const out = new Int8Array(size);
  for (const [id, set] of listedBy) {
    const s = sexOf(set, sex);
    out[id] = s === 'male' ? 1 : s === 'female' ? 2 : 0;
  }
  return out;
}

function derivedLookup(sexById: Int8Array, invalidPrincipal: ListRef | undefined, gray: ListRef | undefined): (d: Derived, id: number) => boolean {
  return (d, id) => {
    switch (d) {
      case 'male':
        return sexById[id] === 1;
      case 'female':
        return sexById[id] === 2;
      case 'invalid_principal':
        return invalidPrincipal !== undefined && listHas(invalidPrincipal, id);
      case 'gray':
        return gray !== undefined && listHas(gray, id);
      default:
        return false;
    }
  };
}

function addTo(listedBy: Map<number, Set<string>>, id: number, mdc: string): void {
  let set = listedBy.get(id);
  if (set === undefined) listedBy.set(id, (set = new Set()));
  set.add(mdc);
}

/** Diagnoses by the MDCs whose principal-diagnosis list (mdc_dx.csv) holds them. */
function dxListedBy(scheme: CompiledScheme): Map<number, Set<string>> {
  const listedBy = new Map<number, Set<string>>();
  for (const m of scheme.mdcs) for (let id = 0; id < scheme.dx.size; id++) if (listHas(m.list, id)) addTo(listedBy, id, m.mdc);
  return listedBy;
}

/**
 * Procedures by the MDCs whose ADRG rules list them (adrg_px.csv of the
 * package, read again: the compiled rules keep no lists). The scheme loader
 * has validated the file, so it is only split here (no row schema): this runs
 * in every worker that checks cases.
 */
function pxListedBy(scheme: CompiledScheme): Map<number, Set<string>> {
  const mdcOfRule = new Map<string, string>();
  for (const m of scheme.mdcs) for (const r of m.rules) mdcOfRule.set(r.ruleId, m.mdc);
  const issues = new IssueList();
  const file = `${scheme.id}/adrg_px.csv`;
  const { header, rows } = parseCsvText(readFileSync(join(scheme.dir, 'adrg_px.csv'), 'utf8'), file, issues);
  const ruleAt = header.indexOf('rule_id');
  const codeAt = header.indexOf('proc_code');
  if (ruleAt < 0 || codeAt < 0) issues.add({ code: 'header.missing', file, line: 1, message: 'adrg_px.csv needs the columns rule_id and proc_code' });
  issues.throwIfAny(`cannot derive the sex-specific procedures of ${scheme.id}`);
  const listedBy = new Map<number, Set<string>>();
  for (const { cells } of rows) {
    const mdc = mdcOfRule.get((cells[ruleAt] ?? '').trim());
    const id = scheme.px.lookup((cells[codeAt] ?? '').trim());
    if (mdc !== undefined && id >= 0) addTo(listedBy, id, mdc);
  }
  return listedBy;
}

/**
 * Case facts: which fields a case gives (a number that is not NaN, an amount,
 * a date, a non-empty id, at least one code; `secondary_dx` / `secondary_px`
 * at least two codes). The checker's view sets them once per case, so a rule
 * about a field that is usually missing (age_days, birth_weight, vent_hours,
 * itemised costs), or usually given (the required.* rules, which look for a
 * missing one), is skipped with a bit test (QcRule.needs `given`, `missing`).
 */
export const GIVEN = {
  id: 1 << 0,
  sex: 1 << 1,
  age: 1 << 2,
  age_days: 1 << 3,
  birth_weight: 1 << 4,
  los: 1 << 5,
  discharge: 1 << 6,
  vent_hours: 1 << 7,
  diagnoses: 1 << 8,
  secondary_dx: 1 << 9,
  procedures: 1 << 10,
  secondary_px: 1 << 11,
  total_cost: 1 << 12,
  out_of_scope: 1 << 13,
  pre_self_pay: 1 << 14,
  admit_date: 1 << 15,
  discharge_date: 1 << 16,
  cost_items: 1 << 17,
} as const;
