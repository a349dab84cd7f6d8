/**
 * Writing settlement outcomes: one CSV row (or JSON line) per bill, with one
 * column per layer of the policy. A reversal row carries the undone
 * settlement's amounts negated (a refund voucher).
 */
import type { ByteWriter } from '../io/bytes.js';
import { csvField, csvLine } from '../io/csv.js';
import { formatYuan, type Fen } from '../money.js';
import { NOT_ELIGIBLE } from './layers/index.js';
import type { LedgerOutcome } from './ledger.js';
import type { CompiledPolicy } from './policy/load.js';
import { formatSettlementTrace, type Settlement } from './settle.js';

export type SettleFormat = 'csv' | 'jsonl';

/** The output columns for a policy: fixed ones, one per layer, then totals. */
export function settleColumns(policy: CompiledPolicy, trace: boolean): string[] {
  return [...FIXED_COLUMNS, ...policy.layers.map((l) => l.id), ...TOTAL_COLUMNS, 'reason', 'detail', ...(trace ? ['trace'] : [])];
}

const FIXED_COLUMNS = [
  'bill_id', 'person_id', 'year', 'action', 'status', 'method', 'rule', 'admission',
  'total', 'not_charged', 'out_of_scope', 'pre_self_pay', 'in_scope', 'standard', 'basis', 'deductible',
] as const;
const TOTAL_COLUMNS = ['covered', 'patient', 'extra_fund', 'hospital_difference'] as const;

const money = (fen: Fen | null, sign: number): string => (fen === null ? '' : formatYuan((sign * fen) as Fen));

/** One outcome as a CSV line. */
export function outcomeCsv(policy: CompiledPolicy, o: LedgerOutcome, trace: boolean): string {
  const layers = policy.layers;
  if (o.status === 'rejected') {
    // bill_id, action and status, no amounts, then reason and detail (and an empty trace).
    const cells = new Array<string>(FIXED_COLUMNS.length + layers.length + TOTAL_COLUMNS.length + 2 + (trace ? 1 : 0)).fill('');
    cells[0] = o.billId;
    cells[3] = 'settle';
    cells[4] = 'rejected';
    cells[FIXED_COLUMNS.length + layers.length + TOTAL_COLUMNS.length] = o.problem.code;
    cells[FIXED_COLUMNS.length + layers.length + TOTAL_COLUMNS.length + 1] = o.problem.message;
    return csvLine(cells);
  }
  const s = o.settlement;
  const sign = o.status === 'reversed' ? -1 : 1;
  let line = `${csvField(s.billId)},${csvField(s.personId)},${s.year},${sign < 0 ? 'reverse' : 'settle'},${o.status},${s.method},${csvField(s.rule)},${s.admission},`;
  line += `${money(s.total, sign)},${money(s.notCharged, sign)},${money(s.outOfScope, sign)},${money(s.preSelfPay, sign)},${money(s.inScope, sign)},${money(s.standard, sign)},${money(s.basis, sign)},`;
  const { deductible, note } = deductibleAndNote(policy, o);
  let paid = '';
  for (let i = 0; i < layers.length; i++) paid += `${money(layerAt(policy, s, i)?.paid ?? (0 as Fen), sign)},`;
  line += `${money(deductible, sign)},${paid}${money(s.covered, sign)},${money(s.patient, sign)},${money(s.extraFund, sign)},${money(s.hospitalDifference, sign)},,${csvField(note)}`;
  if (trace) line += `,${csvField(s.trace !== undefined ? formatSettlementTrace(s.trace) : o.status === 'settled' ? '' : `(${o.status}: the trace is given when the bill is first settled)`)}`;
  return `${line}\n`;
}

/**
 * One outcome as a CSV line written straight into `w` as bytes: the same bytes
 * as {@link outcomeCsv} (a test holds them equal), without building the line
 * as a string and encoding it again — the bulk job writes a line per bill.
 */
export function outcomeCsvInto(w: ByteWriter, policy: CompiledPolicy, o: LedgerOutcome, trace: boolean): void {
  if (o.status !== 'settled' && o.status !== 'replayed') {
    // Rejections and reversals are rare: the string form.
    w.text(outcomeCsv(policy, o, trace));
    return;
  }
  const layers = policy.layers;
  const s = o.settlement;
  w.field(s.billId);
  w.byte(COMMA);
  w.field(s.personId);
  w.byte(COMMA);
  w.ascii(String(s.year));
  w.ascii(o.status === 'settled' ? ',settle,settled,' : ',settle,replayed,');
  w.text(s.method); // as outcomeCsv: not quoted
  w.byte(COMMA);
  w.field(s.rule);
  w.byte(COMMA);
  w.ascii(String(s.admission));
  w.byte(COMMA);
  yuanCell(w, s.total);
  yuanCell(w, s.notCharged);
  yuanCell(w, s.outOfScope);
  yuanCell(w, s.preSelfPay);
  yuanCell(w, s.inScope);
  yuanCell(w, s.standard);
  yuanCell(w, s.basis);
  const { deductible, note } = deductibleAndNote(policy, o);
  yuanCell(w, deductible);
  for (let i = 0; i < layers.length; i++) yuanCell(w, layerAt(policy, s, i)?.paid ?? 0);
  yuanCell(w, s.covered);
  yuanCell(w, s.patient);
  yuanCell(w, s.extraFund);
  w.yuan(s.hospitalDifference);
  w.ascii(',,');
  w.field(note);
  if (trace) {
    w.byte(COMMA);
    w.field(s.trace !== undefined ? formatSettlementTrace(s.trace) : o.status === 'settled' ? '' : `(${o.status}: the trace is given when the bill is first settled)`);
  }
  w.byte(NEWLINE);
}

/**
 * The settlement's result for the policy's layer at position i (undefined
 * when it has none). Layers come in the policy's order, stored settlements
 * are unpacked that way too, so the same position is tried first.
 */
function layerAt(policy: CompiledPolicy, s: Settlement, i: number): Settlement['layers'][number] | undefined {
  const id = policy.layers[i]!.id;
  return s.layers[i]?.id === id ? s.layers[i]! : s.layers.find((x) => x.id === id);
}

/** A row's deductible column (the basic layer's) and its detail note (the layers' notes, and a replay's reversal). */
function deductibleAndNote(policy: CompiledPolicy, o: LedgerOutcome & { settlement: Settlement }): { deductible: Fen | null; note: string } {
  let deductible: Fen | null = null;
  let note = '';
  for (let i = 0; i < policy.layers.length; i++) {
    const l = layerAt(policy, o.settlement, i);
    if (l === undefined) continue;
    if (l.kind === 'basic') deductible = l.deductible;
    if (l.note !== '' && l.note !== NOT_ELIGIBLE) note += `${note === '' ? '' : '; '}${l.id}: ${l.note}`;
  }
  if (o.status === 'replayed' && o.reversedSince) note = `reversed since${note === '' ? '' : `; ${note}`}`;
  return { deductible, note };
}

const COMMA = 44;
const NEWLINE = 10;

/** An amount cell and its comma (empty for null), as {@link money} writes it with sign 1. */
function yuanCell(w: ByteWriter, fen: Fen | null): void {
  if (fen !== null) w.yuan(fen);
  w.byte(COMMA);
}

/** One outcome as a JSON line: the whole settlement (amounts in fen), or the problem. */
export function outcomeJson(line: number, o: LedgerOutcome): string {
  if (o.status === 'rejected') return `${JSON.stringify({ line, status: 'rejected', billId: o.billId, problem: o.problem })}\n`;
  const { settlement, ...rest } = o;
  return `${JSON.stringify({ line, ...rest, settlement })}\n`;
}

/** {@link RunTotals} as plain data. */
export interface TotalsSnapshot {
  readonly paid: readonly (readonly [string, number])[];
  readonly patient: number;
  readonly extraFund: number;
}

/** Net money moved by a run, per layer and for patients (settled minus reversed; replays move nothing). */
export class RunTotals {
  patient = 0;
  extraFund = 0;
  /** The running sum of the layer at each position of the last settlement seen (settlements list their layers in the same order). */
  private slots: { id: string; fen: number }[] = [];
  private readonly byId = new Map<string, { id: string; fen: number }>();

  add(o: LedgerOutcome): void {
    if (o.status !== 'settled' && !(o.status === 'reversed' && !o.replayed)) return;
    const sign = o.status === 'settled' ? 1 : -1;
    const layers = o.settlement.layers;
    for (let i = 0; i < layers.length; i++) {
      const l = layers[i]!;
      let slot = this.slots[i];
      if (slot === undefined || slot.id !== l.id) {
        slot = this.byId.get(l.id);
        if (slot === undefined) this.byId.set(l.id, (slot = { id: l.id, fen: 0 }));
        this.slots[i] = slot;
      }
      slot.fen += sign * l.paid;
    }
    this.patient += sign * o.settlement.patient;
    this.extraFund += sign * o.settlement.extraFund;
  }

  /** The totals as plain data (to pass between threads). */
  snapshot(): TotalsSnapshot {
    return { paid: [...this.byId.values()].map((slot) => [slot.id, slot.fen]), patient: this.patient, extraFund: this.extraFund };
  }

  /** Add another run's totals (its layers not seen here yet come after these). */
  merge(t: TotalsSnapshot): void {
    for (const [id, fen] of t.paid) {
      let slot = this.byId.get(id);
      if (slot === undefined) this.byId.set(id, (slot = { id, fen: 0 }));
      slot.fen += fen;
    }
    this.patient += t.patient;
    this.extraFund += t.extraFund;
  }

  /** Net paid per layer, in the order the layers were first seen. */
  get paid(): Map<string, number> {
    return new Map([...this.byId].map(([id, slot]) => [id, slot.fen]));
  }

  describe(): string {
    const parts = [...this.paid].map(([id, fen]) => `${id} ${formatYuan(fen as Fen)}`);
    parts.push(`patients ${formatYuan(this.patient as Fen)}`);
    if (this.extraFund !== 0) parts.push(`extra fund ${formatYuan(this.extraFund as Fen)}`);
    return parts.join(', ');
  }
}

export type { Settlement };
