/**
 * The quality-check engine: a scheme and a configuration compile once into a
 * {@link Checker} (per-code facts, the enabled rules with their severities);
 * the checker then runs every enabled rule over one case at a time.
 *
 *   case → view (numbers, code ids, code facts: one look-up per code)
 *        → each enabled rule, in registry order → findings
 *
 * A clean case allocates nothing but its view's strings; findings are made
 * only when a rule reports.
 */
import type { CompiledScheme } from '../../groupers/chs-drg/index.js';
import { CaseNumbers, type NumbersInput } from '../../groupers/chs-drg/context.js';
import { ListItems } from '../case/schema.js';
import type { QcConfig } from './config.js';
import { type CodeFacts, computeFacts, GIVEN } from './facts.js';
import { QC_RULES, RULES_BY_ID } from './rules/index.js';
import { dayNumber } from './rules/util.js';
import type { CaseView, Finding, QcInput, QcParams, QcRule, Report, Severity } from './types.js';

/** No findings (shared; never mutated). */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);


function any(facts: Uint32Array, n: number): number {
  let f = 0;
  for (let i = 0; i < n; i++) f |= facts[i]!;
  return f;
}
const EMPTY_INPUT: QcInput = {};

/**
 * A row read straight from CSV text by a fused reader (jobs/qc-fast.ts): its
 * numbers (NaN when missing) and dates (day numbers) already read, its codes
 * still ranges of `text` — the view makes strings of them only when a rule
 * asks for one.
 */
export interface TextRow extends NumbersInput {
  readonly input: QcInput;
  readonly admitDay: number;
  readonly dischargeDay: number;
  readonly text: string;
  /** The diagnosis and procedure cells: text[dxStart, dxEnd), text[pxStart, pxEnd); start -1 when the file has no such column. */
  readonly dxStart: number;
  readonly dxEnd: number;
  readonly pxStart: number;
  readonly pxEnd: number;
}

/** The reusable per-case view the rules read (see CaseView). */
class View extends CaseNumbers implements CaseView {
  input: QcInput = EMPTY_INPUT;
  admitDay = NaN;
  dischargeDay = NaN;
  nDx = 0;
  dxId = new Int32Array(16);
  dxFacts = new Uint32Array(16);
  given = 0;
  dxAny = 0;
  pxAny = 0;
  nPx = 0;
  pxId = new Int32Array(16);
  pxFacts = new Uint32Array(16);
  /** The codes as strings (see `dx`, `px`). */
  private dxCodes: string[] = [];
  private pxCodes: string[] = [];
  /** Set by loadText: the codes are still the ranges below, of `text`. */
  private pending = false;
  private text = '';
  private dxFrom = new Int32Array(16);
  private dxTo = new Int32Array(16);
  private pxFrom = new Int32Array(16);
  private pxTo = new Int32Array(16);
  private readonly items = new ListItems();

  constructor(
    readonly scheme: CompiledScheme,
    readonly params: QcParams,
    private readonly facts: CodeFacts,
  ) {
    super();
  }

  /** Diagnosis codes as given (trimmed); made from the line's text on first use after loadText. */
  get dx(): readonly string[] {
    if (this.pending) this.materialise();
    return this.dxCodes;
  }

  get px(): readonly string[] {
    if (this.pending) this.materialise();
    return this.pxCodes;
  }

  load(c: QcInput): void {
    this.input = c;
    this.pending = false;
    this.setNumbers(c);
    this.admitDay = c.admit_date ? dayNumber(c.admit_date) : NaN;
    this.dischargeDay = c.discharge_date ? dayNumber(c.discharge_date) : NaN;
    this.nDx = this.codes('dx', c.diagnoses ?? []);
    this.nPx = this.codes('px', c.procedures ?? []);
    this.dxAny = any(this.dxFacts, this.nDx);
    this.pxAny = any(this.pxFacts, this.nPx);
    this.given = this.caseFacts();
  }

  /** Load a row read from CSV text: the same view as `load` of its decoded case. */
  loadText(r: TextRow): void {
    this.input = r.input;
    this.setNumbers(r);
    this.admitDay = r.admitDay;
    this.dischargeDay = r.dischargeDay;
    this.text = r.text;
    this.pending = true;
    this.nDx = 0;
    this.nPx = 0;
    this.dxAny = 0;
    this.pxAny = 0;
    if (r.dxStart >= 0) this.nDx = this.rangeCodes('dx', r.text, r.dxStart, r.dxEnd);
    if (r.pxStart >= 0) this.nPx = this.rangeCodes('px', r.text, r.pxStart, r.pxEnd);
    this.given = this.caseFacts();
  }

  /** The GIVEN bits of the loaded case (facts.ts): what rules' `needs.given` / `needs.missing` test. */
  private caseFacts(): number {
    const c = this.input;
    let g = 0;
    if (c.id !== undefined && c.id !== null && c.id !== '') g |= GIVEN.id;
    // x === x: not NaN.
    if (this.sex === this.sex) g |= GIVEN.sex;
    if (this.age === this.age) g |= GIVEN.age;
    if (this.age_days === this.age_days) g |= GIVEN.age_days;
    if (this.birth_weight === this.birth_weight) g |= GIVEN.birth_weight;
    if (this.los === this.los) g |= GIVEN.los;
    if (this.discharge === this.discharge) g |= GIVEN.discharge;
    if (this.vent_hours === this.vent_hours) g |= GIVEN.vent_hours;
    if (this.nDx > 0) g |= this.nDx > 1 ? GIVEN.diagnoses | GIVEN.secondary_dx : GIVEN.diagnoses;
    if (this.nPx > 0) g |= this.nPx > 1 ? GIVEN.procedures | GIVEN.secondary_px : GIVEN.procedures;
    if (c.total_cost !== undefined && c.total_cost !== null) g |= GIVEN.total_cost;
    if (c.out_of_scope !== undefined && c.out_of_scope !== null) g |= GIVEN.out_of_scope;
    if (c.pre_self_pay !== undefined && c.pre_self_pay !== null) g |= GIVEN.pre_self_pay;
    if (this.admitDay === this.admitDay) g |= GIVEN.admit_date;
    if (this.dischargeDay === this.dischargeDay) g |= GIVEN.discharge_date;
    if (c.cost_items) g |= GIVEN.cost_items;
    return g;
  }

  /** Trim, drop empty items, look each code up once and read its facts. */
  private codes(system: 'dx' | 'px', list: readonly string[]): number {
    if (list.length > (system === 'dx' ? this.dxId : this.pxId).length) this.grow(system, list.length);
    const table = system === 'dx' ? this.scheme.dx : this.scheme.px;
    const facts = system === 'dx' ? this.facts.dx : this.facts.px;
    const codes = system === 'dx' ? this.dxCodes : this.pxCodes;
    const ids = system === 'dx' ? this.dxId : this.pxId;
    const flags = system === 'dx' ? this.dxFacts : this.pxFacts;
    let n = 0;
    for (let i = 0; i < list.length; i++) {
      const raw = list[i]!;
      // Case readers trim already: trim (a new string) only when an end is white space.
      const code = raw.length > 0 && raw.charCodeAt(0) > 32 && raw.charCodeAt(raw.length - 1) > 32 ? raw : raw.trim();
      if (code === '') continue;
      const id = table.lookup(code);
      codes[n] = code;
      ids[n] = id;
      // A code the scheme has never heard of gets the facts its patterns give (rare: it is also an unknown code).
      flags[n] = id >= 0 ? facts[id]! : this.facts.patternFacts(system, code);
      n++;
    }
    // Entries past n stay stale (rules read nDx / nPx): truncating an array is a slow runtime call.
    return n;
  }

  /**
   * The `|`-separated codes of text[a, b) as `codes` reads a list cell: items
   * trimmed, empty ones dropped. Sets the system's ids, ranges, facts and
   * or-ed facts in one pass; returns the count.
   */
  private rangeCodes(system: 'dx' | 'px', text: string, a: number, b: number): number {
    const dx = system === 'dx';
    const table = dx ? this.scheme.dx : this.scheme.px;
    const known = dx ? this.facts.dx : this.facts.px;
    // The arrays in locals: this loop runs for every code of every case.
    let ids = dx ? this.dxId : this.pxId;
    let flags = dx ? this.dxFacts : this.pxFacts;
    let from = dx ? this.dxFrom : this.pxFrom;
    let to = dx ? this.dxTo : this.pxTo;
    let n = 0;
    let any = 0;
    const items = this.items;
    items.reset(text, a, b);
    while (items.next()) {
      if (n === ids.length) {
        this.grow(system, 2 * n);
        ids = dx ? this.dxId : this.pxId;
        flags = dx ? this.dxFacts : this.pxFacts;
        from = dx ? this.dxFrom : this.pxFrom;
        to = dx ? this.dxTo : this.pxTo;
      }
      const x = items.from;
      const y = items.to;
      const id = table.lookupRange(text, x, y);
      const f = id >= 0 ? known[id]! : this.facts.patternFacts(system, text.slice(x, y));
      ids[n] = id;
      from[n] = x;
      to[n] = y;
      flags[n] = f;
      any |= f;
      n++;
    }
    if (dx) this.dxAny = any;
    else this.pxAny = any;
    return n;
  }

  dxCode(i: number): string {
    return this.pending ? this.text.slice(this.dxFrom[i]!, this.dxTo[i]!) : this.dxCodes[i]!;
  }

  pxCode(i: number): string {
    return this.pending ? this.text.slice(this.pxFrom[i]!, this.pxTo[i]!) : this.pxCodes[i]!;
  }

  private materialise(): void {
    for (let i = 0; i < this.nDx; i++) this.dxCodes[i] = this.dxCode(i);
    for (let i = 0; i < this.nPx; i++) this.pxCodes[i] = this.pxCode(i);
    this.pending = false;
  }

  /** Room for `size` codes of a system, keeping those already read. */
  private grow(system: 'dx' | 'px', size: number): void {
    const more = <T extends Int32Array | Uint32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a.subarray(0, Math.min(a.length, size)));
      return b;
    };
    if (system === 'dx') {
      this.dxId = more(this.dxId);
      this.dxFacts = more(this.dxFacts);
      this.dxFrom = more(this.dxFrom);
      this.dxTo = more(this.dxTo);
    } else {
      this.pxId = more(this.pxId);
      this.pxFacts = more(this.pxFacts);
      this.pxFrom = more(this.pxFrom);
      this.pxTo = more(this.pxTo);
    }
  }

  dxLabel(i: number): string {
    const id = this.dxId[i]!;
    return id >= 0 && this.scheme.dx.inDictionary(id) ? this.scheme.dx.label(id) : this.dxCode(i);
  }

  pxLabel(i: number): string {
    const id = this.pxId[i]!;
    return id >= 0 && this.scheme.px.inDictionary(id) ? this.scheme.px.label(id) : this.pxCode(i);
  }
}

interface Enabled {
  readonly rule: QcRule;
  readonly severity: Severity;
  readonly check: (v: CaseView, report: Report) => void;
  /** rule.needs as masks (see QcRule.needs); `screened` false when the rule always runs. */
  readonly screened: boolean;
  readonly needDx: number;
  readonly needPx: number;
  readonly needGiven: number;
  readonly needMissing: number;
}

export interface CheckerOptions {
  /** Skip rules whose needed code facts the case lacks (default true; false for tests). */
  readonly prefilter?: boolean;
}

/** A scheme and a configuration, compiled: check any number of cases (one at a time; not re-entrant). */
export class Checker {
  /** The rules that run, with their severities, in registry order. */
  readonly enabled: readonly Enabled[];
  /** The case last checked, as the rules saw it (its codes already looked up). */
  readonly view: CaseView;
  /** The per-code facts the rules test (facts.ts). */
  readonly facts: CodeFacts;
  private readonly loader: View;
  private out: Finding[] | null = null;
  /** @internal The rule being run: read by `report` (set by `run` and by the compiled `screened`). */
  current: Enabled | null = null;
  /** The enabled rules' screens and calls, compiled into one function (see compileRules). */
  private readonly screened: CompiledRules;
  private readonly report: Report = (field, value, message) => {
    const e = this.current!;
    (this.out ??= []).push({ rule: e.rule.id, severity: e.severity, field, value, message });
  };

  constructor(
    readonly scheme: CompiledScheme,
    readonly config: QcConfig,
    options: CheckerOptions = {},
  ) {
    const facts = computeFacts(scheme, config.lists, config.sexMdcs);
    this.facts = facts;
    this.loader = new View(scheme, config.params, facts);
    this.view = this.loader;
    const enabled: Enabled[] = [];
    for (const rule of QC_RULES) {
      const severity = config.severityOf(rule, scheme.semantics);
      if (severity === 'off' || rule.check === null) continue;
      const needs = options.prefilter !== false ? rule.needs : undefined;
      enabled.push({
        rule,
        severity,
        check: rule.check,
        screened: needs !== undefined,
        needDx: needs?.dx ?? 0,
        needPx: needs?.px ?? 0,
        needGiven: needs?.given ?? 0,
        needMissing: needs?.missing ?? 0,
      });
    }
    this.enabled = enabled;
    this.screened = compileRules(enabled);
  }

  /**
   * The findings of one case, in registry order. `unreadable` names fields
   * whose values could not be read (the reader reports them as
   * `value.unreadable`); rules that read one of them are skipped, so one bad
   * value yields one finding.
   */
  check(c: QcInput, unreadable: readonly string[] | null = null): readonly Finding[] {
    this.loader.load(c);
    return this.run(unreadable);
  }

  /** The findings of a row read from CSV text (every value readable): the same as `check` of its decoded case. */
  checkText(r: TextRow): readonly Finding[] {
    this.loader.loadText(r);
    return this.run(null);
  }

  private run(unreadable: readonly string[] | null): readonly Finding[] {
    const v = this.loader;
    this.out = null;
    if (unreadable === null) this.screened(v, this, this.report);
    else {
      // The rule loop (the compiled function's reference), which also skips rules that read an unreadable field.
      const prefix = this.config.params.cost_column_prefix;
      const given = v.given;
      const missing = ~given;
      for (const e of this.enabled) {
        // Most cases have none of the facts most rules look for: skip the call (a few or-ed words per case).
        if (e.screened && ((v.dxAny & e.needDx) | (v.pxAny & e.needPx) | (given & e.needGiven) | (missing & e.needMissing)) === 0) continue;
        if (e.rule.fields.some((f) => unreadable.some((u) => u === f || (f === 'cost_items' && u.startsWith(prefix))))) continue;
        this.current = e;
        e.check(v, this.report);
      }
    }
    this.current = null;
    const out = this.out;
    this.out = null;
    return out ?? NO_FINDINGS;
  }

  /** A finding of a rule fed by the reader (`value.unreadable`, `row.malformed`), or null when the rule is off. */
  readerFinding(ruleId: 'value.unreadable' | 'row.malformed', field: string, value: string, message: string): Finding | null {
    const severity = this.config.severityOf(RULES_BY_ID.get(ruleId)!, this.scheme.semantics);
    return severity === 'off' ? null : { rule: ruleId, severity, field, value, message };
  }
}

/** The enabled rules of a checker as one function: screen each rule with its masks, run those that pass, in order. */
type CompiledRules = (v: View, checker: { current: Enabled | null }, report: Report) => void;

/**
 * Compile the rule loop once per checker, the way Ajv compiles a schema: one
 * generated function with each rule's screen as constant masks and its check
 * called from its own call site. In the loop, one call site called every
 * rule's check (megamorphic: never inlined); here each site always calls the
 * same function, so V8 can inline the small checks. Behaviour is the loop's
 * (a test runs both on the same cases).
 */
function compileRules(enabled: readonly Enabled[]): CompiledRules {
  const lines: string[] = [];
  enabled.forEach((e, i) => {
    const call = `checker.current = E[${i}]; C${i}(v, report);`;
    const screen = `((dx & ${e.needDx}) | (px & ${e.needPx}) | (given & ${e.needGiven}) | (missing & ${e.needMissing})) !== 0`;
    lines.push(e.screened ? `if (${screen}) { ${call} }` : call);
  });
  const consts = enabled.map((_, i) => `const C${i} = E[${i}].check;`).join('\n');
  const body = `${consts}\nreturn function screened(v, checker, report) {\nconst dx = v.dxAny, px = v.pxAny, given = v.given, missing = ~given;\n${lines.join('\n')}\n};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from numbers and indices only, no data text
  return new Function('E', body)(enabled) as CompiledRules;
}

/** The checker of a scheme under a configuration, compiled on first use and kept by the configuration. */
export function checkerFor(scheme: CompiledScheme, config: QcConfig): Checker {
  return config.compiledFor(scheme, () => new Checker(scheme, config));
}

/**
 * Check one case: the findings (empty when the case is clean), errors and
 * warnings in rule order. The first call for a scheme and configuration
 * compiles the per-code facts (a fraction of a second); later calls reuse them.
 */
export function checkCase(c: QcInput, scheme: CompiledScheme, config: QcConfig): readonly Finding[] {
  return checkerFor(scheme, config).check(c);
}

/** True when a finding is an error (the case cannot be grouped or paid as is). */
export function hasError(findings: readonly Finding[]): boolean {
  for (const f of findings) if (f.severity === 'error') return true;
  return false;
}
