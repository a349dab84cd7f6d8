/**
 * Basic medical insurance (基本医疗保险): pays (owed − deductible) × ratio, up
 * to the annual cap minus what it already paid this year.
 *
 * - The deductible depends on insured type and hospital level, times a factor
 *   by the admission's ordinal in the year (e.g. 1, 0.5, then 0; the last
 *   factor repeats).
 * - For a disease listed in `one_deductible_diseases` (principal diagnosis
 *   prefix), the deductible is paid once a year: later admissions for it pay
 *   none.
 * - The ratio depends on insured type and level; retirees add `retiree_bonus`,
 *   and care out of the area adds the category's `ratio_delta` (negative).
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { addClamped, applyRatio, percent, type Ratio } from '../ratio.js';
import { byLevel, codeList, key, ratio, yuan } from '../policy/fields.js';
import { checkKnown, checkLevels, type PolicyChecker } from '../policy/check.js';
import { levelNames, type PolicyCommon } from '../policy/common.js';
import { counter, type Counters } from '../types.js';
import { addTo, capped, type CompiledLayer, type LayerInput, type LayerKind, type LayerOutcome, type PolicyContext } from './layer.js';

const typeParams = z.strictObject({
  /** Deductible (起付标准) of a first admission, by hospital level. */
  deductible: byLevel(yuan),
  /** Deductible factor of the 1st, 2nd, … admission in the year; the last repeats. */
  admission_factors: z.array(ratio).min(1, 'must list at least one factor (1 for the first admission)'),
  /** Reimbursement ratio by hospital level. */
  ratio: byLevel(ratio),
  /** Points added to the ratio for retirees (employees), e.g. 0.05. */
  retiree_bonus: ratio.optional(),
  /** Most the basic fund pays for a person in a year. */
  annual_cap: yuan,
});

export const basicSchema = z.strictObject({
  name: z.string().optional(),
  /** Parameters per insured type (every type of `insured_types`). */
  types: z.record(key, typeParams),
  /** Diseases whose deductible is paid once a year (e.g. cancer, uraemia), by principal diagnosis prefix. */
  one_deductible_diseases: z.array(z.strictObject({ id: key, name: z.string().optional(), diagnoses: codeList })).default([]),
});
export type BasicSection = z.output<typeof basicSchema>;

function check(basic: BasicSection, p: PolicyCommon, at: PolicyChecker): void {
  const levels = levelNames(p);
  const types = basic.types;
  for (const t of p.insured_types) if (!Object.hasOwn(types, t)) at.add(['basic', 'types'], `missing insured type "${t}" (every type of insured_types needs basic parameters)`, 'policy.type_missing');
  checkKnown(Object.keys(types), p.insured_types, 'insured type', 'insured_types', ['basic', 'types'], at);
  for (const [t, tp] of Object.entries(types)) {
    checkLevels(tp.deductible, levels, ['basic', 'types', t, 'deductible'], at);
    checkLevels(tp.ratio, levels, ['basic', 'types', t, 'ratio'], at);
    for (const [level, r] of Object.entries(tp.ratio)) {
      const top = tp.retiree_bonus !== undefined ? r.value.plus(tp.retiree_bonus.value) : r.value;
      if (top.gt(1)) at.add(['basic', 'types', t, 'retiree_bonus'], `ratio ${r.value} at level ${level} + retiree_bonus ${tp.retiree_bonus!.value} = ${top} exceeds 1`, 'policy.ratio_range');
      for (const [cat, o] of Object.entries(p.out_of_area)) {
        if (r.value.plus(o.ratio_delta.value).lt(0)) at.add(['out_of_area', cat, 'ratio_delta'], `ratio ${r.value} of ${t} at level ${level} + ratio_delta ${o.ratio_delta.value} is below 0`, 'policy.ratio_range');
      }
    }
  }
  const seen = new Set<string>();
  basic.one_deductible_diseases.forEach((d, i) => {
    if (seen.has(d.id)) at.add(['basic', 'one_deductible_diseases', i, 'id'], `disease id "${d.id}" appears twice`, 'policy.duplicate');
    seen.add(d.id);
  });
}

interface TypeTables {
  /** Deductible in fen by [level][admission factor index]. */
  readonly deductible: readonly (readonly Fen[])[];
  readonly factors: readonly Ratio[];
  /** Ratio by [level][retired 0/1][out-of-area index]. */
  readonly ratio: readonly (readonly (readonly Ratio[])[])[];
  readonly cap: Fen;
}

class BasicLayer implements CompiledLayer {
  readonly id = 'basic';
  readonly kind = 'basic';
  constructor(
    readonly name: string,
    private readonly types: ReadonlyMap<string, TypeTables>,
    private readonly diseases: readonly { id: string; name: string; prefixes: readonly string[] }[],
    private readonly ctx: PolicyContext,
  ) {}

  settle(inp: LayerInput): LayerOutcome {
    const { bill, usage, trace } = inp;
    const t = this.types.get(bill.insured_type)!;
    const fi = Math.min(inp.admission - 1, t.factors.length - 1);
    let deductible = t.deductible[inp.level]![fi]!;
    const delta: Counters = {};
    const disease = this.diseaseOf(bill.diagnoses[0]);
    let why = `${bill.insured_type}, ${this.ctx.levels[inp.level]}, admission ${inp.admission}: deductible ${formatYuan(t.deductible[inp.level]![0]!)} × ${t.factors[fi]!.value} = ${formatYuan(deductible)}`;
    if (disease !== undefined) {
      if (counter(usage.counters, `basic.disease.${disease.id}`) > 0) {
        deductible = 0 as Fen;
        why += `; ${disease.name}: deductible already paid this year, none now`;
      } else {
        addTo(delta, `basic.disease.${disease.id}`, 1);
        why += `; ${disease.name}: this year's one deductible`;
      }
    }
    const applied = Math.min(deductible, inp.owed) as Fen;
    const r = t.ratio[inp.level]![bill.retired ? 1 : 0]![inp.outOfArea]!;
    const raw = applyRatio((inp.owed - applied) as Fen, r);
    const used = counter(usage.counters, 'basic.paid');
    const { paid, capped: hitCap } = capped(raw, t.cap, used);
    addTo(delta, 'basic.paid', paid);
    addTo(delta, 'basic.deductible', applied);
    if (trace !== null) {
      const adj = `${bill.retired && r !== t.ratio[inp.level]![0]![inp.outOfArea] ? ' (retiree)' : ''}${inp.outOfArea > 0 ? ` (out of area: ${this.ctx.outOfArea[inp.outOfArea - 1]})` : ''}`;
      trace.push({ stage: this.id, text: why });
      trace.push({
        stage: this.id,
        text: `(${formatYuan(inp.owed)} − ${formatYuan(applied)}) × ${percent(r)}${adj} = ${formatYuan(raw)}; annual cap ${formatYuan(t.cap)}, used ${formatYuan(used)} → pays ${formatYuan(paid)}`,
      });
    }
    return { id: this.id, kind: this.kind, name: this.name, paid, deductible: applied, ratio: percent(r), bands: [], note: hitCap ? 'annual cap reached' : '', delta };
  }

  private diseaseOf(dx: string | undefined): { id: string; name: string } | undefined {
    if (dx === undefined || this.diseases.length === 0) return undefined;
    const code = dx.toUpperCase();
    return this.diseases.find((d) => d.prefixes.some((p) => code.startsWith(p)));
  }
}

function compile(basic: BasicSection, p: PolicyCommon, ctx: PolicyContext): CompiledLayer[] {
  const deltas = Object.values(p.out_of_area).map((o) => o.ratio_delta.value);
  const types = new Map<string, TypeTables>();
  for (const [t, tp] of Object.entries(basic.types)) {
    const ratioAt = (level: string, retired: boolean): Ratio[] => {
      const base = retired && tp.retiree_bonus !== undefined ? addClamped(tp.ratio[level]!, tp.retiree_bonus.value) : tp.ratio[level]!;
      return [base, ...deltas.map((d) => addClamped(base, d))];
    };
    types.set(t, {
      deductible: ctx.levels.map((l) => tp.admission_factors.map((f) => applyRatio(tp.deductible[l]!, f))),
      factors: tp.admission_factors,
      ratio: ctx.levels.map((l) => [ratioAt(l, false), ratioAt(l, true)]),
      cap: tp.annual_cap,
    });
  }
  const diseases = basic.one_deductible_diseases.map((d) => ({ id: d.id, name: d.name ?? d.id, prefixes: d.diagnoses.map((c) => c.toUpperCase()) }));
  return [new BasicLayer(basic.name ?? 'basic medical insurance', types, diseases, ctx)];
}

export const basicLayer: LayerKind<BasicSection> = { kind: 'basic', check, compile };
