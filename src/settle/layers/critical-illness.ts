/**
 * Critical-illness insurance (大病保险): pays on what the patient still owes
 * after basic insurance, accumulated over the year ("counted"), above its own
 * deductible, in bands, up to an annual cap.
 *
 * Band boundaries are either `absolute` (on the accumulated amount itself:
 * "up to 100,000 at 60 %" covers 13,000–100,000 when the deductible is 13,000)
 * or `above_deductible` (measured from the deductible: the same band then
 * covers 13,000–113,000). Each band's contribution for this bill is the part
 * of the bill's counted amount inside the band times the band's ratio,
 * rounded once; the layer pays their sum, capped.
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { applyRatio, percent, type Ratio } from '../ratio.js';
import { key, ratio, yuan } from '../policy/fields.js';
import { checkKnown, checkRanges, type PolicyChecker } from '../policy/check.js';
import type { PolicyCommon } from '../policy/common.js';
import { counter, type Counters } from '../types.js';
import { addTo, capped, notEligible, type BandPart, type CompiledLayer, type LayerInput, type LayerKind, type LayerOutcome } from './layer.js';

const band = z.strictObject({
  from: yuan,
  /** Upper boundary; null for the open top band. */
  to: yuan.nullable(),
  ratio,
});

const typeParams = z.strictObject({
  deductible: yuan,
  boundaries: z.enum(['absolute', 'above_deductible'], { error: 'boundaries must be "absolute" or "above_deductible"' }),
  bands: z.array(band).min(1, 'must list at least one band'),
  annual_cap: yuan,
});

export const criticalIllnessSchema = z.strictObject({
  name: z.string().optional(),
  /** Parameters per insured type; a type without an entry has no critical-illness cover. */
  types: z.record(key, typeParams),
});

export type CriticalIllnessSection = z.output<typeof criticalIllnessSchema>;

function check(ci: CriticalIllnessSection | undefined, p: PolicyCommon, at: PolicyChecker): void {
  if (ci === undefined) return;
  checkKnown(Object.keys(ci.types), p.insured_types, 'insured type', 'insured_types', ['critical_illness', 'types'], at);
  for (const [t, tp] of Object.entries(ci.types)) {
    // Half-open bands: the next band starts where the previous one ends; a zero-ratio band fills a gap.
    checkRanges({ items: tp.bands, what: 'band', fromKey: 'from', toKey: 'to', start: 0, after: (to) => to, show: (n) => formatYuan(n as Fen), path: ['critical_illness', 'types', t, 'bands'] }, at);
  }
}

/** A band in absolute coordinates of the counted amount, clipped to the part above the deductible. */
interface Segment {
  readonly lo: number;
  readonly hi: number;
  readonly ratio: Ratio;
  readonly from: Fen;
  readonly to: Fen | null;
}

interface TypeTables {
  readonly deductible: Fen;
  readonly segments: readonly Segment[];
  readonly cap: Fen;
}

class CriticalIllnessLayer implements CompiledLayer {
  readonly id = 'critical_illness';
  readonly kind = 'critical_illness';
  constructor(
    readonly name: string,
    private readonly types: ReadonlyMap<string, TypeTables>,
  ) {}

  settle(inp: LayerInput): LayerOutcome {
    const { bill, usage, trace } = inp;
    const t = this.types.get(bill.insured_type);
    if (t === undefined) {
      trace?.push({ stage: this.id, text: `no critical-illness cover for insured type ${bill.insured_type}` });
      return notEligible(this);
    }
    const before = counter(usage.counters, 'critical_illness.counted');
    const after = before + inp.owed;
    const bands: BandPart[] = [];
    let sum = 0;
    for (const s of t.segments) {
      const amount = Math.min(s.hi, after) - Math.max(s.lo, before);
      if (amount <= 0) continue;
      const pays = applyRatio(amount as Fen, s.ratio);
      sum += pays;
      bands.push({ from: s.from, to: s.to, ratio: percent(s.ratio), amount: amount as Fen, pays });
    }
    const used = counter(usage.counters, 'critical_illness.paid');
    const { paid, capped: hitCap } = capped(sum as Fen, t.cap, used);
    // The part of the deductible this bill's counted amount used up.
    const deductible = Math.max(0, Math.min(t.deductible, after) - before) as Fen;
    const delta: Counters = {};
    addTo(delta, 'critical_illness.counted', inp.owed);
    addTo(delta, 'critical_illness.paid', paid);
    if (trace !== null) {
      trace.push({ stage: this.id, text: `counted this year ${formatYuan(before as Fen)} + ${formatYuan(inp.owed)} owed after basic = ${formatYuan(after as Fen)}; deductible ${formatYuan(t.deductible)}` });
      for (const b of bands) trace.push({ stage: this.id, text: `band ${formatYuan(b.from)}–${b.to === null ? '' : formatYuan(b.to)} at ${b.ratio}: ${formatYuan(b.amount)} × ${b.ratio} = ${formatYuan(b.pays)}` });
      trace.push({ stage: this.id, text: `bands ${formatYuan(sum as Fen)}; annual cap ${formatYuan(t.cap)}, used ${formatYuan(used)} → pays ${formatYuan(paid)}` });
    }
    return { id: this.id, kind: this.kind, name: this.name, paid, deductible, ratio: 'bands', bands, note: hitCap ? 'annual cap reached' : '', delta };
  }
}

function compile(ci: CriticalIllnessSection | undefined): CompiledLayer[] {
  if (ci === undefined) return [];
  const types = new Map<string, TypeTables>();
  for (const [t, tp] of Object.entries(ci.types)) {
    const shift = tp.boundaries === 'above_deductible' ? tp.deductible : 0;
    const segments: Segment[] = [];
    for (const b of tp.bands) {
      const lo = Math.max(b.from + shift, tp.deductible);
      const hi = b.to === null ? Infinity : b.to + shift;
      if (hi > lo) segments.push({ lo, hi, ratio: b.ratio, from: b.from, to: b.to });
    }
    types.set(t, { deductible: tp.deductible, segments, cap: tp.annual_cap });
  }
  return [new CriticalIllnessLayer(ci.name ?? 'critical illness insurance', types)];
}

export const criticalIllnessLayer: LayerKind<CriticalIllnessSection | undefined> = { kind: 'critical_illness', check, compile };
