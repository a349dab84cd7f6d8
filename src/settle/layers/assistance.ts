/**
 * Medical assistance (医疗救助): one or more layers, in their `order`, each
 * paying on what the patient still owes, by person class: (owed − what is
 * left of the class's annual deductible) × ratio, up to the annual cap. A
 * person whose class a layer does not list gets nothing from it.
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { applyRatio, percent, type Ratio } from '../ratio.js';
import { key, positiveInt, ratio, yuan } from '../policy/fields.js';
import { checkKnown, type PolicyChecker } from '../policy/check.js';
import type { PolicyCommon } from '../policy/common.js';
import { counter, type Counters } from '../types.js';
import { addTo, capped, notEligible, type CompiledLayer, type LayerInput, type LayerKind, type LayerOutcome } from './layer.js';

const classParams = z.strictObject({
  /** Annual deductible (0 for none). */
  deductible: yuan,
  ratio,
  annual_cap: yuan,
});

const layer = z.strictObject({
  /** Layer id: the output column and the ledger's counter prefix. */
  id: key,
  name: z.string().optional(),
  /** Settlement order among assistance layers (1 first). */
  order: positiveInt,
  /** Parameters per person class (names declared in `person_classes`). */
  classes: z.record(key, classParams),
});

export const assistanceSchema = z.strictObject({
  layers: z.array(layer).min(1, 'must list at least one layer'),
});

/** Layer ids the other layer kinds use. */
const RESERVED = ['basic', 'critical_illness'];

export type AssistanceSection = z.output<typeof assistanceSchema>;

function check(ma: AssistanceSection | undefined, p: PolicyCommon, at: PolicyChecker): void {
  if (ma === undefined) return;
  const ids = new Set<string>();
  const orders = new Set<number>();
  ma.layers.forEach((l, i) => {
    const path = ['medical_assistance', 'layers', i];
    if (RESERVED.includes(l.id)) at.add([...path, 'id'], `layer id "${l.id}" is taken by another layer kind`, 'policy.duplicate');
    else if (ids.has(l.id)) at.add([...path, 'id'], `layer id "${l.id}" appears twice`, 'policy.duplicate');
    ids.add(l.id);
    if (orders.has(l.order)) at.add([...path, 'order'], `order ${l.order} is used by two layers: the order must be unambiguous`, 'policy.duplicate');
    orders.add(l.order);
    checkKnown(Object.keys(l.classes), Object.keys(p.person_classes), 'person class', 'person_classes', [...path, 'classes'], at);
  });
}

interface ClassParams {
  readonly deductible: Fen;
  readonly ratio: Ratio;
  readonly cap: Fen;
}

class AssistanceLayer implements CompiledLayer {
  readonly kind = 'medical_assistance';
  constructor(
    readonly id: string,
    readonly name: string,
    private readonly classes: ReadonlyMap<string, ClassParams>,
  ) {}

  settle(inp: LayerInput): LayerOutcome {
    const { bill, usage, trace } = inp;
    const c = bill.person_class === null ? undefined : this.classes.get(bill.person_class);
    if (c === undefined) {
      trace?.push({ stage: this.id, text: bill.person_class === null ? 'no person class: not eligible' : `person class ${bill.person_class} is not eligible for this layer` });
      return notEligible(this);
    }
    const met = counter(usage.counters, `${this.id}.deductible`);
    const left = Math.max(0, c.deductible - met);
    const applied = Math.min(left, inp.owed) as Fen;
    const raw = applyRatio((inp.owed - applied) as Fen, c.ratio);
    const used = counter(usage.counters, `${this.id}.paid`);
    const { paid, capped: hitCap } = capped(raw, c.cap, used);
    const delta: Counters = {};
    addTo(delta, `${this.id}.deductible`, applied);
    addTo(delta, `${this.id}.paid`, paid);
    trace?.push({
      stage: this.id,
      text: `${bill.person_class}: owed ${formatYuan(inp.owed)}; annual deductible ${formatYuan(c.deductible)}, met before ${formatYuan(met)}, applied ${formatYuan(applied)}; (${formatYuan(inp.owed)} − ${formatYuan(applied)}) × ${percent(c.ratio)} = ${formatYuan(raw)}; annual cap ${formatYuan(c.cap)}, used ${formatYuan(used)} → pays ${formatYuan(paid)}`,
    });
    return { id: this.id, kind: this.kind, name: this.name, paid, deductible: applied, ratio: percent(c.ratio), bands: [], note: hitCap ? 'annual cap reached' : '', delta };
  }
}

function compile(ma: AssistanceSection | undefined): CompiledLayer[] {
  if (ma === undefined) return [];
  return [...ma.layers]
    .sort((a, b) => a.order - b.order)
    .map(
      (l) =>
        new AssistanceLayer(
          l.id,
          l.name ?? l.id,
          new Map(Object.entries(l.classes).map(([k, v]) => [k, { deductible: v.deductible, ratio: v.ratio, cap: v.annual_cap }])),
        ),
    );
}

export const assistanceLayer: LayerKind<AssistanceSection | undefined> = { kind: 'medical_assistance', check, compile };
