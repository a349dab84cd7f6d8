/**
 * The `group` job: a batch of CSV records in, output text out.
 *
 *   records → rows (parseBatch) → cases (CaseDecoder) → results (groupCase) → CSV / JSON lines / text
 *
 * A job is built once from a plain, serialisable spec (so a worker thread can
 * build its own copy) and then run on batches in any order; each batch's
 * output depends only on the batch, which keeps output identical whatever
 * the number of workers.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { Case, CaseField } from '../case/schema.js';
import { csvField, csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch } from '../io/rows.js';
import { formatTrace, groupCase, loadSchemeSync, NO_DRG, type CompiledScheme, type GroupResult, type Note } from '../../groupers/chs-drg/index.js';

export type OutputFormat = 'csv' | 'jsonl' | 'text';

/** Everything a job needs, as plain data. */
export interface GroupJobSpec {
  /** Scheme folder (resolved). */
  readonly scheme: string;
  readonly format: OutputFormat;
  readonly trace: boolean;
  readonly translate: boolean;
  /** Send malformed rows to the rejects stream instead of the output. */
  readonly rejects: boolean;
  /** The input header as read. */
  readonly header: readonly string[];
  /** `--columns` mapping, as entries. */
  readonly columns: readonly (readonly [string, CaseField])[];
  readonly newline: '\n' | '\r\n';
}

export interface Counts {
  /** Data rows read (blank lines excluded). */
  read: number;
  grouped: number;
  ambiguous: number;
  ungroupable: number;
  invalid: number;
  /** Malformed rows sent to the rejects file. */
  rejected: number;
  /** Blank lines skipped (not data rows). */
  blank: number;
}

export const zeroCounts = (): Counts => ({ read: 0, grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0, rejected: 0, blank: 0 });

export function addCounts(into: Counts, c: Counts): void {
  into.read += c.read;
  into.grouped += c.grouped;
  into.ambiguous += c.ambiguous;
  into.ungroupable += c.ungroupable;
  into.invalid += c.invalid;
  into.rejected += c.rejected;
  into.blank += c.blank;
}

export interface BatchOutput {
  readonly out: string;
  readonly rejects: string;
  readonly counts: Counts;
}

/** Columns of the rejects file. */
export const REJECTS_HEADER = csvLine(['line', 'reason', 'message', 'raw']);

export class GroupJob {
  readonly scheme: CompiledScheme;
  readonly decoder: CaseDecoder;

  constructor(
    readonly spec: GroupJobSpec,
    scheme?: CompiledScheme,
  ) {
    this.scheme = scheme ?? loadSchemeSync(spec.scheme);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
  }

  /** The output's first line(s). */
  head(): string {
    if (this.spec.format !== 'csv') return '';
    const cols = ['id', 'status', 'mdc', 'adrg', 'drg', 'drg_name', 'cc_level', 'cc_dx', 'reasons', 'warnings', 'detail'];
    if (this.spec.translate) cols.push('translations');
    if (this.spec.trace) cols.push('trace');
    return csvLine(cols);
  }

  run(batch: RecordBatch): BatchOutput {
    const counts = zeroCounts();
    let out = '';
    let rejects = '';
    const spec = this.spec;
    const options = { trace: spec.trace, translate: spec.translate };
    const emit = (line: number, r: GroupResult): void => {
      counts.read++;
      counts[r.status]++;
      out += this.format(line, r);
    };
    parseBatch(batch, this.decoder.width, spec.newline, {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        if (problems !== null) {
          emit(line, invalidResult(c.id, problems.map((p) => ({ code: p.code, field: p.field, message: `line ${line}: ${p.message}` }))));
        } else {
          emit(line, groupCase(this.scheme, c, options));
        }
      },
      blank: () => {
        counts.blank++;
      },
      bad: (line, raw, code, message) => {
        if (spec.rejects) {
          counts.read++;
          counts.rejected++;
          rejects += csvLine([String(line), code, message, raw]);
        } else {
          emit(line, invalidResult(firstCell(raw), [{ code, message }]));
        }
      },
    });
    return { out, rejects, counts };
  }

  private format(line: number, r: GroupResult): string {
    switch (this.spec.format) {
      case 'csv': {
        // Status, MDC, ADRG, DRG, level and codes never hold a comma or quote; only
        // free text (id, name, messages) goes through csvField. This is the hot path.
        let s = `${csvField(r.id)},${r.status},${r.mdc ?? ''},${r.adrg ?? ''},${r.drg},${csvField(r.drgName)},${r.ccLevel === 'none' ? '' : r.ccLevel},${r.ccDx ?? ''},`;
        if (r.reasons.length + r.warnings.length === 0) s += ',,';
        else s += `${csvField(codes(r.reasons))},${csvField(codes(r.warnings))},${csvField(detail(r))}`;
        if (this.spec.translate) s += `,${csvField(r.translations.map((t) => `${t.field === 'diagnoses' ? 'dx' : 'px'}${t.position}:${t.from}>${t.to}`).join('|'))}`;
        if (this.spec.trace) s += `,${csvField(r.trace !== undefined ? formatTrace(r.trace) : '')}`;
        return `${s}\n`;
      }
      case 'jsonl':
        return `${JSON.stringify({ line, ...r })}\n`;
      case 'text': {
        const head = `${r.id || '(no id)'} (line ${line}): ${describe(r)}`;
        const body = r.trace !== undefined ? `\n${formatTrace(r.trace)}` : r.reasons.length + r.warnings.length > 0 ? `\n    ${detail(r)}` : '';
        return `${head}${body}\n\n`;
      }
    }
  }
}

/** The result for a row that could not be grouped because its data is unusable. */
export function invalidResult(id: string, reasons: readonly Note[]): GroupResult {
  return { id, status: 'invalid', mdc: null, adrg: null, drg: NO_DRG, drgName: '', ccLevel: 'none', ccDx: null, reasons, warnings: [], translations: [], trace: undefined };
}

function firstCell(raw: string): string {
  const comma = raw.indexOf(',');
  const cell = (comma === -1 ? raw : raw.slice(0, comma)).trim();
  return cell.startsWith('"') ? '' : cell;
}

const codes = (notes: readonly Note[]): string => notes.map((n) => n.code).join('|');
const detail = (r: GroupResult): string => [...r.reasons, ...r.warnings].map((n) => n.message).join('; ');

function describe(r: GroupResult): string {
  switch (r.status) {
    case 'grouped':
      return `${r.drg} ${r.drgName} [${r.mdc}, ADRG ${r.adrg}${r.ccLevel !== 'none' ? `, ${r.ccLevel} ${r.ccDx}` : ''}]`;
    case 'ambiguous':
      return `${r.drg} ${r.drgName} [${r.mdc}, ambiguous]`;
    default:
      return `${r.status} (${r.drg}${r.mdc !== null ? `, ${r.mdc}` : ''}): ${codes(r.reasons)}`;
  }
}

export type { Case };
