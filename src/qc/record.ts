/**
 * Quality checks on CSV rows: what the bulk jobs (`drg qc`, `drg group --qc`)
 * share. A row's decoded case is checked together with its itemised cost
 * columns (`cost_*`, read here by header position: they are not canonical
 * fields), and values the reader could not read become `value.unreadable`
 * findings instead of being checked.
 */
import type { Case, FieldProblem } from '../case/schema.js';
import { type Fen, parseYuan } from '../money.js';
import type { Checker } from './engine.js';
import type { Finding, QcInput } from './types.js';

export class QcRowReader {
  /** Itemised cost columns: header name and cell position. */
  readonly costColumns: readonly { readonly name: string; readonly at: number }[];

  constructor(
    readonly checker: Checker,
    header: readonly string[],
  ) {
    const prefix = checker.config.params.cost_column_prefix.toLowerCase();
    this.costColumns = header.map((h, at) => ({ name: h.trim().toLowerCase(), at })).filter((c) => c.name.startsWith(prefix) && c.name.length > prefix.length);
  }

  /** The findings of a decoded row: the reader's findings first, then the checks'. */
  check(line: number, cells: readonly string[], c: Case, problems: readonly FieldProblem[] | null): readonly Finding[] {
    let unreadable: string[] | null = null;
    let reader: Finding[] | null = null;
    const unreadableValue = (field: string, value: string, message: string): void => {
      (unreadable ??= []).push(field);
      const f = this.checker.readerFinding('value.unreadable', field, value, `line ${line}: ${message}: correct the value`);
      if (f !== null) (reader ??= []).push(f);
    };
    if (problems !== null) {
      // A missing id is not unreadable: required.id reports it.
      for (const p of problems) if (p.code !== 'id.missing') unreadableValue(p.field, p.value, p.message);
    }
    let input: QcInput = c;
    if (this.costColumns.length > 0) {
      const items: Record<string, Fen | null> = {};
      for (const { name, at } of this.costColumns) {
        const s = cells[at]!.trim();
        if (s === '') continue;
        const fen = parseYuan(s);
        if (fen === undefined) unreadableValue(name, s, `${name} "${s}" is not an amount in yuan with at most two decimals`);
        else items[name] = fen;
      }
      input = { ...c, cost_items: items };
    }
    const found = this.checker.check(input, unreadable);
    return reader === null ? found : found.length === 0 ? reader : [...reader, ...found];
  }

  /** The finding of a record that could not be parsed into a row (none when row.malformed is off). */
  malformed(line: number, raw: string, message: string): readonly Finding[] {
    const f = this.checker.readerFinding('row.malformed', 'row', raw.length > 80 ? `${raw.slice(0, 79)}…` : raw, `line ${line}: ${message}`);
    return f === null ? [] : [f];
  }
}
