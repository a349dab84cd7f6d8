/**
 * Synthetic cases for benchmarks and tests, drawn from a scheme package so
 * that every ADRG is reachable.
 *
 * For each case an ADRG rule is chosen (weights drawn once per seed, so some
 * groups are common and others rare), then a draft case is built by sampling
 * the rule's own predicate and its MDC's entry predicate from the package's
 * lists (an `or` picks a branch, `main_dx_in L` picks the principal from L and
 * the MDC's list, `has_mcc` adds a secondary MCC outside the principal's
 * exclusion table, …). The draft is grouped; if it does not land in the
 * chosen ADRG it is sampled again (a rule that keeps failing is dropped).
 * Complications, noise diagnoses, demographics, LOS and cost follow; cost and
 * LOS are log-normal per ADRG, raised by CC/MCC and by hospital level.
 *
 * Cases are plausible to the quality checks (src/qc) as well: demographics
 * follow the codes the rule drew (a female-only code makes a woman, an
 * obstetric code a woman of child-bearing age, a perinatal code a newborn, a
 * delivery the newborn's birth weight), complications and noise secondaries
 * fit them, and no code is listed twice. A draft the default checker still
 * finds an error in is drawn again a few times (some rules cannot be met
 * cleanly, and keep a dirty case). The deliberately malformed rows
 * (`malformed`, 0.2 % by default) are the errors a file is meant to have.
 *
 * Same seed, same options, same scheme: same bytes. Synthetic amounts are
 * sampled in floating point and converted once to whole fen (this is a data
 * generator, not money arithmetic on real bills).
 */
import { CASE_FIELDS } from '../case/schema.js';
import { csvField, csvLine } from '../io/csv.js';
import { formatYuan, type Fen } from '../money.js';
import type { SchemePackage } from '../../groupers/chs-drg/load.js';
import { groupCase, type CompiledScheme, type GroupInput, type GroupResult } from '../../groupers/chs-drg/index.js';
import { qcConfig } from '../qc/config.js';
import { type Checker, checkerFor } from '../qc/engine.js';
import { FACT } from '../qc/facts.js';
import type { QcInput, QcParams } from '../qc/types.js';
import { Random } from './random.js';

/**
 * The generator's version: it changes whenever the same seed would give
 * different bytes, so that files cached under a name that includes it
 * (bench/data/) are not reused across versions.
 */
export const SYNTH_VERSION = 2;

/** Diagnosis facts that tie a code to a sex or an age (or forbid it): never drawn as noise. */
const DX_TIED = FACT.male_dx | FACT.female_dx | FACT.perinatal_dx | FACT.obstetric_dx | FACT.delivery_dx | FACT.gray_dx;
const PX_TIED = FACT.male_px | FACT.female_px | FACT.gray_px;
/** Redraws of a rule's draft while the checker finds an error in it. */
const QC_REDRAWS = 5;
/** The discharge day a draft is checked with (its admission day is LOS days before). */
const CHECK_DISCHARGE = Date.UTC(2024, 5, 30);
const CHECK_DISCHARGE_DATE = '2024-06-30';

export interface SynthOptions {
  readonly n: number;
  readonly seed: number;
  /** Share of deliberately malformed rows (default 0.002). */
  readonly malformed?: number;
  /** Number of hospitals (default 60); levels 3 / 2 / 1 for about 15 / 40 / 45 % of them. */
  readonly hospitals?: number;
  /** Discharge years (default 2022, 2023, 2024). */
  readonly years?: readonly number[];
}

/** The columns written, in order: the canonical fields, but for those the generator does not fill. */
export const SYNTH_COLUMNS = CASE_FIELDS.filter((f) => f !== 'vent_hours' && f !== 'out_of_scope' && f !== 'pre_self_pay');

type Json = Record<string, unknown>;

interface RuleInfo {
  /** Principal codes claimed by earlier rules of the same MDC (their main_dx_in / main_px_in lists). */
  readonly claimed: Set<string>;
  /** Pick lists for the principal, computed once per list name (filtering on every case was the bottleneck). */
  readonly principalPool: Map<string, readonly string[]>;
  readonly ruleId: string;
  readonly adrg: string;
  readonly mdc: string;
  readonly section: string;
  readonly cond: Json;
  readonly entry: Json;
  readonly lists: Map<string, string[]>;
  readonly tags: Map<string, string[]>;
}

interface Draft {
  sex: number | null;
  age: number | null;
  ageDays: number | null;
  birthWeight: number | null;
  los: number | null;
  discharge: number | null;
  principalDx: string | null;
  dx: string[];
  principalPx: string | null;
  px: string[];
  needMcc: boolean;
  needCc: boolean;
  needRegions: boolean;
}

/** Plausible ranges for sampling `cmp` constraints. */
const RANGES: Record<string, [number, number]> = {
  sex: [1, 2],
  age: [0, 95],
  age_days: [0, 364],
  birth_weight: [500, 4800],
  los: [1, 60],
  discharge: [1, 9],
  vent_hours: [0, 400],
};

const MALFORMED_KINDS = ['age', 'sex', 'truncated', 'quote', 'nodx', 'unknown'] as const;

export class SynthGenerator {
  private readonly rnd: Random;
  private readonly rules: RuleInfo[] = [];
  private readonly ruleWeights: Float64Array;
  private readonly failures: Int32Array;
  private readonly mdcList = new Map<string, string[]>();
  private readonly mdcSet = new Map<string, Set<string>>();
  private readonly regionOf = new Map<string, string[]>();
  private readonly byRegion = new Map<string, string[]>();
  private readonly orValid: string[];
  private readonly mcc: { code: string; table: string }[];
  private readonly cc: { code: string; table: string }[];
  private readonly principalTable = new Map<string, string>();
  private readonly noiseDx: string[];
  private readonly noisePx: string[];
  private readonly adrgCost = new Map<string, { cost: number; los: number }>();
  private readonly hospitalLevels: number[] = [];
  private readonly hospitalCum: Float64Array;
  private readonly years: readonly number[];
  private readonly malformed: number;
  /** The default quality checks: the draft's codes' facts, and the backstop in {@link row}. */
  private readonly checker: Checker;
  private readonly params: QcParams;
  /** ADRGs a case has landed in so far. */
  readonly reached = new Set<string>();

  constructor(
    pkg: SchemePackage,
    private readonly scheme: CompiledScheme,
    options: SynthOptions,
  ) {
    this.rnd = new Random(options.seed);
    this.malformed = options.malformed ?? 0.002;
    this.years = options.years ?? [2022, 2023, 2024];
    const config = qcConfig();
    this.checker = checkerFor(scheme, config);
    this.params = config.params;
    const rows = pkg.rows;
    for (const { row } of rows['mdc_dx.csv']) {
      if (!this.mdcList.has(row.mdc)) this.mdcList.set(row.mdc, []);
      this.mdcList.get(row.mdc)!.push(row.dx_code);
      if (row.mdcz_region !== '') {
        this.regionOf.set(row.dx_code, [...(this.regionOf.get(row.dx_code) ?? []), row.mdcz_region]);
        if (!this.byRegion.has(row.mdcz_region)) this.byRegion.set(row.mdcz_region, []);
        this.byRegion.get(row.mdcz_region)!.push(row.dx_code);
      }
    }
    for (const [mdc, list] of this.mdcList) this.mdcSet.set(mdc, new Set(list));
    this.orValid = rows['or_valid_procedures.csv'].map((r) => r.row.proc_code);
    this.mcc = rows['mcc.csv'].map((r) => ({ code: r.row.dx_code, table: r.row.exclusion_table }));
    this.cc = rows['cc.csv'].map((r) => ({ code: r.row.dx_code, table: r.row.exclusion_table }));
    for (const { row } of rows['cc_exclusion_principal.csv']) this.principalTable.set(row.principal_dx_code, row.exclusion_table);
    const complication = new Set([...this.mcc, ...this.cc].map((x) => x.code));
    const inAnyMdc = new Set(rows['mdc_dx.csv'].map((r) => r.row.dx_code));
    // Noise secondaries: ordinary codes, neither CC/MCC nor trauma regions, so they do not steer the group.
    // Nor codes tied to a sex or an age (a man's noise is no ovarian cyst, an adult's no perinatal condition).
    this.noiseDx = rows['icd10_dx_names.csv'].map((r) => r.row.dx_code).filter((c) => !complication.has(c) && !this.regionOf.has(c) && inAnyMdc.has(c) && (this.dxFacts(c) & DX_TIED) === 0);
    const orSet = new Set(this.orValid);
    this.noisePx = rows['icd9_proc_names.csv'].map((r) => r.row.proc_code).filter((c) => !orSet.has(c) && /^8[7-9]\./.test(c) && (this.pxFacts(c) & PX_TIED) === 0);
    shuffle(this.noiseDx, this.rnd);
    shuffle(this.noisePx, this.rnd);

    const entries = new Map(rows['mdc.csv'].map((r) => [r.row.mdc, r.row.entry_condition_json as Json]));
    const lists = new Map<string, Map<string, string[]>>();
    const tags = new Map<string, Map<string, string[]>>();
    const add = (m: Map<string, Map<string, string[]>>, rule: string, key: string, code: string) => {
      if (!m.has(rule)) m.set(rule, new Map());
      const inner = m.get(rule)!;
      if (!inner.has(key)) inner.set(key, []);
      inner.get(key)!.push(code);
    };
    for (const { row } of rows['adrg_dx.csv']) add(lists, row.rule_id, row.list, row.dx_code);
    for (const { row } of rows['adrg_px.csv']) {
      add(lists, row.rule_id, row.list, row.proc_code);
      if (row.proc_group !== null) add(tags, row.rule_id, row.proc_group, row.proc_code);
    }
    // Rules in evaluation order within each MDC, so that each knows what earlier rules claim.
    const ordered = [...rows['adrg.csv']].sort((a, b) => a.row.mdc.localeCompare(b.row.mdc) || a.row.order_in_mdc - b.row.order_in_mdc);
    const claimedBy = new Map<string, Set<string>>();
    for (const { row } of ordered) {
      const soFar = claimedBy.get(row.mdc) ?? new Set<string>();
      claimedBy.set(row.mdc, soFar);
      const mine = lists.get(row.rule_id) ?? new Map<string, string[]>();
      this.rules.push({
        claimed: new Set(soFar),
        principalPool: new Map(),
        ruleId: row.rule_id,
        adrg: row.adrg,
        mdc: row.mdc,
        section: row.section,
        cond: row.condition_json as Json,
        entry: entries.get(row.mdc) ?? { true: true },
        lists: lists.get(row.rule_id) ?? new Map(),
        tags: tags.get(row.rule_id) ?? new Map(),
      });
      for (const name of mainLists(row.condition_json as Json)) for (const code of mine.get(name) ?? []) soFar.add(code);
    }
    // Case mix: a log-normal weight per rule, drawn once per seed; medical groups a little more common.
    const weights = this.rules.map((r) => Math.exp(this.rnd.normal() * 1.1) * (r.section === 'medical' ? 1.5 : 1));
    this.ruleWeights = cumulative(weights);
    this.failures = new Int32Array(this.rules.length);
    for (const r of this.rules) {
      if (this.adrgCost.has(r.adrg)) continue;
      const surgical = r.section === 'surgical';
      this.adrgCost.set(r.adrg, {
        cost: Math.exp(Math.log(surgical ? 18000 : 8000) + this.rnd.normal() * 0.6),
        los: Math.max(2, Math.exp(Math.log(surgical ? 9 : 7) + this.rnd.normal() * 0.35)),
      });
    }
    const h = options.hospitals ?? 60;
    const volume: number[] = [];
    for (let i = 0; i < h; i++) {
      const level = i < Math.ceil(h * 0.15) ? 3 : i < Math.ceil(h * 0.55) ? 2 : 1;
      this.hospitalLevels.push(level);
      volume.push(level === 3 ? 6 : level === 2 ? 2 : 1);
    }
    this.hospitalCum = cumulative(volume);
  }

  header(): string {
    return csvLine([...SYNTH_COLUMNS]);
  }

  /** Rules that could be targeted (some packages have rules no sample satisfies). */
  get ruleCount(): number {
    return this.rules.length;
  }

  /** The next row, as a CSV line (index is 0-based). */
  row(index: number): string {
    const rnd = this.rnd;
    // The case written: the first draft that lands in its rule's ADRG and passes the checks;
    // else the first that lands; else the last drawn.
    let draft: Draft | undefined;
    let result: GroupResult | undefined;
    let landedDirty = false;
    // A rule whose draft landed but failed the checks is drawn again (up to QC_REDRAWS times), so
    // that the checks do not thin out the rules that are hard to meet cleanly.
    let fixed = -1;
    let redraws = 0;
    // The first rows visit every rule once, so that any file of at least that many rows
    // reaches every ADRG the sampler can satisfy; later rows follow the case-mix weights.
    const first = index < this.rules.length ? index : -1;
    for (let attempt = 0; attempt < (first >= 0 ? 24 : 8); attempt++) {
      const k = first >= 0 ? first : fixed >= 0 ? fixed : rnd.weighted(this.ruleWeights);
      const rule = this.rules[k]!;
      if (first < 0 && fixed < 0 && this.failures[k]! > 40) continue; // this rule's conditions defeat the sampler
      const d = this.draftFor(rule);
      const r = groupCase(this.scheme, toInput(d));
      // A medical rule whose case also has a principal procedure is ambiguous (QY) under 2.0: realistic, kept.
      const landed = (r.status === 'grouped' && r.adrg === rule.adrg) || (r.status === 'ambiguous' && r.mdc === rule.mdc && rule.section === 'medical');
      if (!landed) {
        this.failures[k]!++;
        if (!landedDirty) [draft, result] = [d, r];
        continue;
      }
      this.failures[k] = 0;
      const clean = this.clean(d);
      if (clean || !landedDirty) [draft, result] = [d, r];
      if (clean || ++redraws > QC_REDRAWS) break;
      landedDirty = true;
      fixed = k;
      attempt--; // a redraw for the checks' sake does not use up an attempt
    }
    if (draft === undefined) {
      draft = this.draftFor(this.rules[0]!);
      result = groupCase(this.scheme, toInput(draft));
    }
    if (result!.status === 'grouped' && result!.adrg !== null) this.reached.add(result!.adrg);
    return this.format(index, draft, result!.ccLevel, result!.adrg ?? '');
  }

  private draftFor(rule: RuleInfo): Draft {
    const d: Draft = { sex: null, age: null, ageDays: null, birthWeight: null, los: null, discharge: null, principalDx: null, dx: [], principalPx: null, px: [], needMcc: false, needCc: false, needRegions: false };
    this.sample(rule.cond, rule, d);
    this.sample(rule.entry, rule, d);
    const rnd = this.rnd;
    if (d.principalDx === null) d.principalDx = rnd.pick(this.mdcList.get(rule.mdc) ?? this.noiseDx);
    // Demographics not fixed by the rules: as the codes drawn so far imply, else at random.
    let dx = this.dxFacts(d.principalDx);
    for (const c of d.dx) dx |= this.dxFacts(c);
    let px = d.principalPx === null ? 0 : this.pxFacts(d.principalPx);
    for (const c of d.px) px |= this.pxFacts(c);
    if (d.sex === null) d.sex = (dx & FACT.female_dx) !== 0 || (px & FACT.female_px) !== 0 ? 2 : (dx & FACT.male_dx) !== 0 || (px & FACT.male_px) !== 0 ? 1 : rnd.chance(0.5) ? 1 : 2;
    if (d.age === null && d.ageDays === null && (dx & FACT.perinatal_dx) !== 0) d.ageDays = rnd.int(0, 28);
    if (d.age === null && d.ageDays === null && (dx & FACT.obstetric_dx) !== 0) {
      const { min, max } = this.params.obstetric_age;
      d.age = Math.max(Math.max(min, 16), Math.min(Math.min(max, 46), Math.round(29 + rnd.normal() * 5)));
    }
    if (d.age === null) d.age = d.ageDays !== null && d.ageDays < 365 ? 0 : Math.max(1, Math.min(99, Math.round(55 + rnd.normal() * 20)));
    if (d.age === 0 && d.ageDays === null) d.ageDays = rnd.int(0, 364);
    if (d.age === 0 && d.ageDays !== null && d.ageDays <= 28 && d.birthWeight === null) d.birthWeight = birthWeight(rnd);
    // Complications: needed by the rule, or drawn (about 25 % CC, 12 % MCC).
    const draw = rnd.float();
    const mcc = d.needMcc || draw < 0.12;
    const cc = !mcc && (d.needCc || draw < 0.37);
    if (mcc) this.addComplication(d, this.mcc);
    else if (cc) this.addComplication(d, this.cc);
    // LOS and discharge type before the verifying grouping (a scheme may split on them).
    const base = this.adrgCost.get(rule.adrg)!;
    if (d.los === null) d.los = Math.max(1, Math.round(base.los * Math.exp(rnd.normal() * 0.4) * (mcc ? 1.5 : cc ? 1.2 : 1)));
    if (d.discharge === null) d.discharge = rnd.chance(mcc ? 0.04 : 0.008) ? 5 : rnd.pick([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 9]);
    if (d.needRegions) this.addRegion(d);
    for (let i = rnd.int(0, 3); i > 0; i--) {
      const c = this.skewed(this.noiseDx);
      if (c !== d.principalDx && !d.dx.includes(c)) d.dx.push(c);
    }
    if (d.principalPx !== null && rnd.chance(0.3)) {
      const c = this.skewed(this.noisePx);
      if (c !== d.principalPx && !d.px.includes(c)) d.px.push(c);
    }
    if (rule.section === 'medical' && d.principalPx === null && rnd.chance(0.04)) d.principalPx = this.skewed(this.noisePx);
    // A delivery's record carries the newborn's birth weight.
    if (d.birthWeight === null && [d.principalDx, ...d.dx].some((c) => (this.dxFacts(c) & FACT.delivery_dx) !== 0)) d.birthWeight = birthWeight(rnd);
    return d;
  }

  /** The quality-check facts of a diagnosis code (facts.ts). */
  private dxFacts(code: string): number {
    const id = this.scheme.dx.lookup(code);
    return id >= 0 ? this.checker.facts.dx[id]! : this.checker.facts.patternFacts('dx', code);
  }

  private pxFacts(code: string): number {
    const id = this.scheme.px.lookup(code);
    return id >= 0 ? this.checker.facts.px[id]! : this.checker.facts.patternFacts('px', code);
  }

  /** True when a secondary diagnosis fits the draft's sex and age (as the checks see them) and is not listed yet. */
  private fits(d: Draft, code: string): boolean {
    if (code === d.principalDx || d.dx.includes(code)) return false;
    const f = this.dxFacts(code);
    if ((f & FACT.gray_dx) !== 0) return false;
    if ((f & FACT.female_dx) !== 0 && d.sex !== 2) return false;
    if ((f & FACT.male_dx) !== 0 && d.sex !== 1) return false;
    if ((f & FACT.perinatal_dx) !== 0 && d.age! > this.params.perinatal_max_age) return false;
    const { min, max } = this.params.obstetric_age;
    return (f & FACT.obstetric_dx) === 0 || (d.age! >= min && d.age! <= max);
  }

  /** True when the default checks find no error in the draft (as written out: an id, a cost and dates that agree with its LOS). */
  private clean(d: Draft): boolean {
    const g = toInput(d);
    const input: QcInput = {
      ...g,
      diagnoses: [...(g.diagnoses ?? [])],
      procedures: [...(g.procedures ?? [])],
      id: 'C',
      total_cost: 1_000_000 as Fen,
      hospital_id: 'H001',
      hospital_level: 2,
      admit_date: new Date(CHECK_DISCHARGE - d.los! * 86_400_000).toISOString().slice(0, 10),
      discharge_date: CHECK_DISCHARGE_DATE,
    };
    for (const f of this.checker.check(input)) if (f.severity === 'error') return false;
    return true;
  }

  /**
   * A heavy-tailed pick, as in real coding, where a few hundred secondary
   * diagnoses (hypertension, diabetes, …) make up most occurrences: the index
   * is n·u⁴ over a fixed, seed-shuffled order of the list.
   */
  private skewed(list: readonly string[]): string {
    const u = this.rnd.float();
    return list[Math.floor(list.length * u * u * u * u)]!;
  }

  /** Make the draft satisfy a predicate where the package's lists allow (verification catches the rest). */
  private sample(p: Json, rule: RuleInfo, d: Draft): void {
    const [key, arg] = Object.entries(p)[0] ?? ['true', true];
    const rnd = this.rnd;
    const list = (name: string): string[] => {
      if (name === 'mdc_dx') return this.mdcList.get(rule.mdc) ?? [];
      if (name === 'OR_VALID') return this.orValid;
      return rule.lists.get(name) ?? [];
    };
    switch (key) {
      case 'and':
        for (const q of arg as Json[]) this.sample(q, rule, d);
        return;
      case 'or':
        this.sample(rnd.pick(arg as Json[]), rule, d);
        return;
      case 'main_dx_in': {
        const name = arg as string;
        const l = list(name);
        if (l.length === 0 || (d.principalDx !== null && l.includes(d.principalDx))) return;
        let pool = rule.principalPool.get(`dx:${name}`);
        if (pool === undefined) {
          // Prefer codes that also open the rule's MDC (so entry and rule agree) and that no earlier rule claims.
          const mdc = this.mdcSet.get(rule.mdc);
          const both = name === 'mdc_dx' || mdc === undefined ? l : l.filter((c) => mdc.has(c));
          pool = unclaimed(both.length > 0 ? both : l, rule);
          rule.principalPool.set(`dx:${name}`, pool);
        }
        d.principalDx = rnd.pick(pool);
        return;
      }
      case 'any_dx_in':
      case 'other_dx_in': {
        const l = list(arg as string);
        if (l.length > 0) d.dx.push(rnd.pick(l));
        return;
      }
      case 'main_px_in': {
        const name = arg as string;
        const l = list(name);
        if (l.length === 0 || (d.principalPx !== null && l.includes(d.principalPx))) return;
        let pool = rule.principalPool.get(`px:${name}`);
        if (pool === undefined) {
          pool = unclaimed(l, rule);
          rule.principalPool.set(`px:${name}`, pool);
        }
        d.principalPx = rnd.pick(pool);
        return;
      }
      case 'any_px_in':
      case 'other_px_in': {
        const l = list(arg as string);
        if (l.length === 0) return;
        if (d.principalPx === null && key === 'any_px_in') d.principalPx = rnd.pick(l);
        else {
          if (d.principalPx === null) d.principalPx = rnd.pick(this.orValid.length > 0 ? this.orValid : l);
          d.px.push(rnd.pick(l));
        }
        return;
      }
      case 'px_group_present': {
        const l = rule.tags.get(String(arg)) ?? [];
        if (l.length === 0) return;
        if (d.principalPx === null) d.principalPx = rnd.pick(l);
        else d.px.push(rnd.pick(l));
        return;
      }
      case 'nonempty':
      case 'not_null':
        if (arg === 'procedures') {
          if (d.principalPx === null) d.principalPx = rnd.pick(this.orValid.length > 0 ? this.orValid : this.noisePx);
        } else if (arg === 'diagnoses') return;
        else if (this.getField(arg as string, d) === null) this.setField(arg as string, d, (lo, hi) => rnd.int(Math.max(lo, 1), hi));
        return;
      case 'has_px':
      case 'has_main_px':
        if (d.principalPx === null) d.principalPx = rnd.pick(this.orValid.length > 0 ? this.orValid : this.noisePx);
        return;
      case 'cmp': {
        const [field, op, v] = arg as [string, string, number];
        if (field === 'count(diagnoses)') {
          if (op === '>' || op === '>=') for (let i = d.dx.length + 1; i <= v; i++) d.dx.push(rnd.pick(this.noiseDx));
          return;
        }
        const [lo, hi] = RANGES[field] ?? [0, 100];
        const current = this.getField(field, d);
        const ok = (x: number) => (op === '<' ? x < v : op === '<=' ? x <= v : op === '>' ? x > v : op === '>=' ? x >= v : op === '==' ? x === v : x !== v);
        if (current !== null && ok(current)) return;
        const pickValue = (): number => {
          switch (op) {
            case '==':
              return v;
            case '!=':
              return v === hi ? lo : v + 1;
            case '<':
              return rnd.int(Math.min(lo, v - 1), v - 1);
            case '<=':
              return rnd.int(Math.min(lo, v), v);
            case '>':
              return rnd.int(v + 1, Math.max(hi, v + 1));
            default:
              return rnd.int(v, Math.max(hi, v));
          }
        };
        this.setField(field, d, pickValue);
        return;
      }
      case 'has_mcc':
        d.needMcc = true;
        return;
      case 'has_cc':
        d.needCc = true;
        return;
      case 'mdcz_multi_trauma':
        d.needRegions = true;
        return;
      default:
        return; // true, not: nothing to add
    }
  }

  private getField(field: string, d: Draft): number | null {
    switch (field) {
      case 'sex':
        return d.sex;
      case 'age':
        return d.age;
      case 'age_days':
        return d.ageDays;
      case 'birth_weight':
        return d.birthWeight;
      case 'los':
        return d.los;
      case 'discharge':
        return d.discharge;
      default:
        return null;
    }
  }

  private setField(field: string, d: Draft, value: (lo: number, hi: number) => number): void {
    const [lo, hi] = RANGES[field] ?? [0, 100];
    const v = value(lo, hi);
    if (field === 'sex') d.sex = v;
    else if (field === 'age') d.age = v;
    else if (field === 'age_days') d.ageDays = v;
    else if (field === 'birth_weight') d.birthWeight = v;
    else if (field === 'los') d.los = v;
    else if (field === 'discharge') d.discharge = v;
  }

  /** A secondary from the list whose exclusion table differs from the principal's. */
  private addComplication(d: Draft, list: readonly { code: string; table: string }[]): void {
    if (list.length === 0) return;
    const own = d.principalDx !== null ? this.principalTable.get(d.principalDx) : undefined;
    for (let i = 0; i < 12; i++) {
      const x = this.rnd.pick(list);
      if (x.table !== own && this.fits(d, x.code)) {
        d.dx.push(x.code);
        return;
      }
    }
  }

  /** A secondary injury in another body region than the principal's. */
  private addRegion(d: Draft): void {
    const regions = [...this.byRegion.keys()];
    if (regions.length < 2) return;
    const mine = d.principalDx !== null ? (this.regionOf.get(d.principalDx) ?? []) : [];
    if (mine.length === 0) {
      d.principalDx = this.rnd.pick(this.byRegion.get(this.rnd.pick(regions))!);
    }
    const own = this.regionOf.get(d.principalDx!) ?? [];
    const others = regions.filter((r) => !own.includes(r));
    d.dx.push(this.rnd.pick(this.byRegion.get(this.rnd.pick(others))!));
  }

  private format(index: number, d: Draft, cc: 'MCC' | 'CC' | 'none', adrg: string): string {
    const rnd = this.rnd;
    const base = this.adrgCost.get(adrg) ?? { cost: 9000, los: 7 };
    const ccFactor = cc === 'MCC' ? 1.8 : cc === 'CC' ? 1.3 : 1;
    const h = rnd.weighted(this.hospitalCum);
    const level = this.hospitalLevels[h]!;
    const levelFactor = level === 3 ? 1.2 : level === 2 ? 1 : 0.8;
    const los = d.los!;
    const discharge = d.discharge!;
    const fen = Math.max(500, Math.round(base.cost * Math.exp(rnd.normal() * 0.45) * ccFactor * levelFactor * 100)) as Fen;
    const year = rnd.pick(this.years);
    const dayOfYear = rnd.int(0, 364);
    const out = new Date(Date.UTC(year, 0, 1 + dayOfYear));
    const inn = new Date(out.getTime() - los * 86400000);
    const fields = [
      `C${String(index + 1).padStart(9, '0')}`,
      String(d.sex),
      String(d.age),
      d.age === 0 && d.ageDays !== null ? String(d.ageDays) : '',
      d.birthWeight !== null ? String(d.birthWeight) : '',
      String(los),
      String(discharge),
      [d.principalDx!, ...d.dx].join('|'),
      d.principalPx === null ? '' : [d.principalPx, ...d.px].join('|'),
      formatYuan(fen),
      `H${String(h + 1).padStart(3, '0')}`,
      String(level),
      inn.toISOString().slice(0, 10),
      out.toISOString().slice(0, 10),
    ];
    if (this.malformed > 0 && rnd.chance(this.malformed)) return this.spoil(fields, rnd.pick(MALFORMED_KINDS));
    return csvLine(fields);
  }

  /** Deliberately malformed rows, each kind exercising one reader or validation path. */
  private spoil(fields: string[], kind: (typeof MALFORMED_KINDS)[number]): string {
    switch (kind) {
      case 'age':
        fields[2] = 'abc';
        return csvLine(fields);
      case 'sex':
        fields[1] = '9';
        return csvLine(fields);
      case 'nodx':
        fields[7] = '';
        return csvLine(fields);
      case 'unknown':
        fields[7] = `X99.999|${fields[7]}`;
        return csvLine(fields);
      case 'truncated':
        return `${fields.slice(0, 8).map(csvField).join(',')}\n`;
      case 'quote':
        return `${fields.slice(0, 7).join(',')},"${fields[7]},${fields.slice(8).join(',')}\n`;
    }
  }
}

/** Codes of a list that earlier rules do not claim, when there are any (so later rules are reachable). */
function unclaimed(list: readonly string[], rule: RuleInfo): readonly string[] {
  if (rule.claimed.size === 0) return list;
  const free = list.filter((c) => !rule.claimed.has(c));
  return free.length > 0 ? free : list;
}

/** List names a predicate tests the principal codes against (`main_dx_in`, `main_px_in`), anywhere in it. */
function mainLists(p: Json): string[] {
  const [key, arg] = Object.entries(p)[0] ?? ['true', true];
  if (key === 'and' || key === 'or') return (arg as Json[]).flatMap(mainLists);
  if ((key === 'main_dx_in' || key === 'main_px_in') && typeof arg === 'string' && arg !== 'mdc_dx' && arg !== 'OR_VALID') return [arg];
  return [];
}

function toInput(d: Draft): GroupInput {
  return {
    sex: d.sex,
    age: d.age,
    age_days: d.age === 0 ? d.ageDays : null,
    birth_weight: d.birthWeight,
    los: d.los,
    discharge: d.discharge,
    diagnoses: [d.principalDx ?? '', ...d.dx],
    procedures: d.principalPx === null ? [] : [d.principalPx, ...d.px],
  };
}

/** A newborn's birth weight in grams. */
function birthWeight(rnd: Random): number {
  return Math.max(500, Math.min(5200, Math.round(3200 + rnd.normal() * 550)));
}

function shuffle<T>(items: T[], rnd: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function cumulative(weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    c[i] = s;
  });
  return c;
}
