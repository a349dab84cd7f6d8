/**
 * The quality checks on the fused reader (group-fast.ts): `drg qc` and
 * `drg group --qc` check a clean line straight from its CSV text, as `drg
 * group` groups it — no cell array, no case object, no code strings (the
 * checker's view makes a code's string only when a rule reports it).
 *
 * A clean line of the fused reader has every value readable (numbers,
 * amounts, dates, a trimmed id), so it has no `value.unreadable` finding and
 * the checker sees exactly the case the decoder would build. The one thing
 * the fused reader does not look at is the itemised cost columns: a line
 * whose cost cell is not a plain amount goes back to the generic path
 * (`read` returns false), where the reader reports it.
 */
import type { CaseDecoder } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { Fen } from '../money.js';
import { CaseNumbers } from '../../groupers/chs-drg/context.js';
import type { TextRow } from '../qc/engine.js';
import type { QcRowReader } from '../qc/record.js';
import { dayNumberAt } from '../qc/rules/util.js';
import type { Finding, QcInput } from '../qc/types.js';
import { amountOk, checkedFen, type FusedReader } from './group-fast.js';

/** What the rules read of a line's case (`v.input`): one object, refilled for every line; dates become strings only when asked for. */
class LineInput implements QcInput {
  id = '';
  total_cost: Fen | null = null;
  out_of_scope: Fen | null = null;
  pre_self_pay: Fen | null = null;
  cost_items: Record<string, Fen | null> | null = null;
  text = '';
  /** Where the admission and discharge dates start in `text` (YYYY-MM-DD), or -1 when missing. */
  admitAt = -1;
  dischargeAt = -1;

  get admit_date(): string | null {
    return this.admitAt < 0 ? null : this.text.slice(this.admitAt, this.admitAt + 10);
  }

  get discharge_date(): string | null {
    return this.dischargeAt < 0 ? null : this.text.slice(this.dischargeAt, this.dischargeAt + 10);
  }
}

class LineRow extends CaseNumbers implements TextRow {
  readonly input = new LineInput();
  admitDay = NaN;
  dischargeDay = NaN;
  text = '';
  dxStart = -1;
  dxEnd = -1;
  pxStart = -1;
  pxEnd = -1;
}

/** Where the date of cell `p` starts in the line's text, or -1 when the column is absent or the cell empty (a clean line's dates are valid). */
function dateAt(f: FusedReader, p: number): number {
  return p < 0 || f.cellStart(p) === f.cellEnd(p) ? -1 : f.cellStart(p);
}

export class FusedQc {
  private readonly row = new LineRow();
  private readonly dxAt: number;
  private readonly pxAt: number;
  private readonly totalAt: number;
  private readonly outAt: number;
  private readonly preAt: number;
  private readonly admitAt: number;
  private readonly dischargeAt: number;
  private readonly hospitalAt: number;
  private readonly width: number;

  constructor(
    private readonly fused: FusedReader,
    decoder: CaseDecoder,
    private readonly rows: QcRowReader,
  ) {
    // FusedReader.for takes only headers with at most one column per field.
    const at = (f: CaseField): number => decoder.positionsOf(f)[0] ?? -1;
    this.dxAt = at('diagnoses');
    this.pxAt = at('procedures');
    this.totalAt = at('total_cost');
    this.outAt = at('out_of_scope');
    this.preAt = at('pre_self_pay');
    this.admitAt = at('admit_date');
    this.dischargeAt = at('discharge_date');
    this.hospitalAt = at('hospital_id');
    this.width = decoder.width;
  }

  /**
   * Read the fused reader's current clean line. False when the line must take
   * the generic path: an itemised cost cell that is not a plain amount.
   */
  read(): boolean {
    const f = this.fused;
    const text = f.text;
    const r = this.row;
    const input = r.input;
    f.numbersInto(r);
    r.text = text;
    input.text = text;
    input.id = f.id;
    // Cell reads written out, not through small closures: this runs for every line.
    input.total_cost = this.totalAt < 0 ? null : checkedFen(text, f.cellStart(this.totalAt), f.cellEnd(this.totalAt));
    input.out_of_scope = this.outAt < 0 ? null : checkedFen(text, f.cellStart(this.outAt), f.cellEnd(this.outAt));
    input.pre_self_pay = this.preAt < 0 ? null : checkedFen(text, f.cellStart(this.preAt), f.cellEnd(this.preAt));
    const admit = dateAt(f, this.admitAt);
    const discharge = dateAt(f, this.dischargeAt);
    input.admitAt = admit;
    input.dischargeAt = discharge;
    r.admitDay = admit < 0 ? NaN : dayNumberAt(text, admit);
    r.dischargeDay = discharge < 0 ? NaN : dayNumberAt(text, discharge);
    if (this.dxAt < 0) r.dxStart = r.dxEnd = -1;
    else {
      r.dxStart = f.cellStart(this.dxAt);
      r.dxEnd = f.cellEnd(this.dxAt);
    }
    if (this.pxAt < 0) r.pxStart = r.pxEnd = -1;
    else {
      r.pxStart = f.cellStart(this.pxAt);
      r.pxEnd = f.cellEnd(this.pxAt);
    }
    const costs = this.rows.costColumns;
    if (costs.length === 0) return true;
    // As QcRowReader reads them: empty cells are left out.
    const items: Record<string, Fen | null> = {};
    for (const { name, at } of costs) {
      const a = f.cellStart(at);
      const b = f.cellEnd(at);
      if (a === b) continue;
      if (!amountOk(text, a, b)) return false;
      items[name] = checkedFen(text, a, b);
    }
    input.cost_items = items;
    return true;
  }

  /** The findings of the line last read. */
  check(): readonly Finding[] {
    return this.rows.checker.checkText(this.row);
  }

  /** The hospital of the line last read (trimmed; '' when missing). */
  hospital(): string {
    const f = this.fused;
    return this.hospitalAt < 0 ? '' : f.text.slice(f.trimStart(this.hospitalAt), f.trimEnd(this.hospitalAt));
  }

  /** The current line's text, for the generic path. */
  lineText(): string {
    const f = this.fused;
    return f.text.slice(f.cellStart(0), f.cellEnd(this.width - 1));
  }
}
