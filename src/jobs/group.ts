/**
 * The `group` job: a batch of CSV records in, output text out.
 *
 *   records → rows (visitLines, or the fused reader) → cases (CaseDecoder) → results (groupCase) → CSV / JSON lines / text
 *
 * A job is built once from a plain, serialisable spec (so a worker thread can
 * build its own copy) and then run on batches in any order; each batch's
 * output depends only on the batch, which keeps output identical whatever
 * the number of workers.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { Case, CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { ByteWriter } from '../io/bytes.js';
import { csvField, csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import type { RowVisitor } from '../io/rows.js';
import { formatTrace, groupCase, groupPrepared, loadSchemeSync, NO_DRG, resultSlot, type CompiledScheme, type GroupResult, type Note } from '../../groupers/chs-drg/index.js';
import { FusedReader, genericLine } from './group-fast.js';
import { FusedQc } from './qc-fast.js';
import { visitLines } from '../io/lines.js';
import { findingsCell, GroupQc, type QcSpec, writeFindingsCell } from './group-qc.js';
import type { Finding } from '../qc/types.js';

export type OutputFormat = 'csv' | 'jsonl' | 'text';

/** Everything a group job needs, as plain data. */
export interface GroupJobSpec extends JobSpecBase {
  readonly kind: 'group';
  /** Scheme folder (resolved). */
  readonly scheme: string;
  /** A second scheme folder to group every case under as well (version migration), or null. */
  readonly compare: string | null;
  readonly format: OutputFormat;
  readonly trace: boolean;
  readonly translate: boolean;
  /** Send malformed rows to the rejects stream instead of the output. */
  readonly rejects: boolean;
  /** `--columns` mapping, as entries. */
  readonly columns: readonly (readonly [string, CaseField])[];
  /** `--qc`: run the quality checks first (error cases become invalid, findings are attached), or absent/null. */
  readonly qc?: QcSpec | null;
}

/** The group job's counters: read = grouped + ambiguous + ungroupable + invalid + rejected; blank lines apart. */
export const zeroCounts = (): Counts => ({ read: 0, grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0, rejected: 0, blank: 0 });

/**
 * Migration matrix: cell key → cases. A key is `status␁drg␁name` of the first
 * scheme, `␂`, then the same for the compared scheme (see {@link matrixRows}).
 */
export type MigrationMatrix = Record<string, number>;

const cellKey = (a: GroupResult | null, b: GroupResult | null): string =>
  a === null || b === null ? 'rejected\u0001\u0001\u0002rejected\u0001\u0001' : `${a.status}\u0001${a.drg}\u0001${a.drgName}\u0002${b.status}\u0001${b.drg}\u0001${b.drgName}`;

export interface MatrixRow {
  readonly fromStatus: string;
  readonly fromDrg: string;
  readonly fromName: string;
  readonly toStatus: string;
  readonly toDrg: string;
  readonly toName: string;
  readonly cases: number;
}

/** The matrix as rows, sorted by source DRG then target DRG (deterministic). */
export function matrixRows(m: MigrationMatrix): MatrixRow[] {
  return Object.entries(m)
    .map(([key, cases]) => {
      const [from, to] = key.split('\u0002') as [string, string];
      const [fromStatus, fromDrg, fromName] = from.split('\u0001') as [string, string, string];
      const [toStatus, toDrg, toName] = to.split('\u0001') as [string, string, string];
      return { fromStatus, fromDrg, fromName, toStatus, toDrg, toName, cases };
    })
    .sort((a, b) => a.fromDrg.localeCompare(b.fromDrg) || a.fromStatus.localeCompare(b.fromStatus) || a.toDrg.localeCompare(b.toDrg) || a.toStatus.localeCompare(b.toStatus));
}

/** The matrix as CSV. */
export function matrixCsv(m: MigrationMatrix): string {
  let s = csvLine(['from_status', 'from_drg', 'from_name', 'to_status', 'to_drg', 'to_name', 'cases']);
  for (const r of matrixRows(m)) s += csvLine([r.fromStatus, r.fromDrg, r.fromName, r.toStatus, r.toDrg, r.toName, String(r.cases)]);
  return s;
}

/** The CSV header of a group job's output (needs no scheme). */
export function groupHead(spec: GroupJobSpec): string {
  if (spec.format !== 'csv') return '';
  const cols = ['id', 'status', 'mdc', 'adrg', 'drg', 'drg_name', 'cc_level', 'cc_dx', 'reasons', 'warnings', 'detail'];
  if (spec.translate) cols.push('translations');
  if (spec.trace) cols.push('trace');
  if (spec.qc) cols.push('qc_findings');
  if (spec.compare !== null) cols.push('cmp_status', 'cmp_mdc', 'cmp_adrg', 'cmp_drg', 'cmp_drg_name', 'cmp_cc_level', 'cmp_cc_dx', 'cmp_reasons', 'drg_changed');
  return csvLine(cols);
}

/** Columns of the rejects file. */
export const REJECTS_HEADER = csvLine(['line', 'reason', 'message', 'raw']);

export class GroupJob implements BatchJob<MigrationMatrix> {
  readonly scheme: CompiledScheme;
  readonly compare: CompiledScheme | null;
  readonly decoder: CaseDecoder;
  /** The fused reader for quote-free batches (see group-fast.ts), or null to always take the generic path. */
  private readonly fused: FusedReader | null;
  /** Quality checks (`--qc`), or null. */
  private readonly qc: GroupQc | null;
  /** The quality checks on the fused reader's clean lines (with --qc and a fused reader), or null. */
  private readonly fusedQc: FusedQc | null;
  /** CSV output is written as bytes (see io/bytes.ts); reused across batches. */
  private readonly bytes = new ByteWriter(1 << 20);
  /** The fused path's results, overwritten case after case (each is written out before the next is grouped). */
  private readonly slot = resultSlot();
  private readonly cmpSlot = resultSlot();
  private readonly cells = new GroupCellsMemo();

  /**
   * Schemes already loaded in this thread may be passed in; otherwise they are
   * loaded from the spec. `fused: false` forces the generic path (tests).
   */
  constructor(
    readonly spec: GroupJobSpec,
    loaded: { scheme?: CompiledScheme; compare?: CompiledScheme | null; fused?: boolean } = {},
  ) {
    this.scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    this.compare = spec.compare === null ? null : (loaded.compare ?? loadSchemeSync(spec.compare));
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.qc = spec.qc ? new GroupQc(spec.qc, this.scheme, spec.header) : null;
    this.fused = loaded.fused === false ? null : FusedReader.for(this.decoder);
    this.fusedQc = this.qc !== null && this.fused !== null ? new FusedQc(this.fused, this.decoder, this.qc.rows) : null;
  }

  static merge(a: MigrationMatrix, b: MigrationMatrix): MigrationMatrix {
    const out = { ...a };
    for (const k in b) out[k] = (out[k] ?? 0) + b[k]!;
    return out;
  }

  /** The output's first line(s). */
  head(): string {
    return groupHead(this.spec);
  }

  run(batch: RecordBatch, lend = false): BatchOutput<MigrationMatrix> {
    const counts = zeroCounts();
    const matrix: MigrationMatrix | undefined = this.compare !== null ? {} : undefined;
    let out = '';
    let rejects = '';
    const spec = this.spec;
    const options = { trace: spec.trace, translate: spec.translate };
    const csv = spec.format === 'csv' && !spec.translate && !spec.trace;
    const qc = this.qc;
    const emit = (line: number, r: GroupResult, cmp: GroupResult | null, findings: readonly Finding[] | null = null): void => {
      counts['read']!++;
      counts[r.status]!++;
      if (csv) this.csvBytes(r, cmp, findings);
      else out += this.format(line, r, cmp, findings);
      if (matrix !== undefined) {
        const key = cellKey(r, cmp);
        matrix[key] = (matrix[key] ?? 0) + 1;
      }
    };
    const generic: RowVisitor = {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        const findings = qc !== null ? qc.rows.check(line, cells, c, problems) : null;
        if (problems !== null) {
          const bad = invalidResult(c.id, problems.map((p) => ({ code: p.code, field: p.field, message: `line ${line}: ${p.message}` })));
          emit(line, bad, this.compare !== null ? bad : null, findings);
        } else if (findings !== null && qc!.blocks(findings)) {
          emit(line, invalidResult(c.id, qc!.reasons(findings)), null, findings);
        } else if (findings !== null) {
          emit(line, qc!.group(spec.trace, spec.translate), null, findings);
        } else {
          emit(line, groupCase(this.scheme, c, options), this.compare !== null ? groupCase(this.compare, c, options) : null);
        }
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        if (spec.rejects) {
          counts['read']!++;
          counts['rejected']!++;
          rejects += csvLine([String(line), code, message, raw]);
          if (matrix !== undefined) matrix[cellKey(null, null)] = (matrix[cellKey(null, null)] ?? 0) + 1;
        } else {
          const r = invalidResult(firstCell(raw), [{ code, message }]);
          emit(line, r, this.compare !== null ? r : null, qc !== null ? qc.rows.malformed(line, raw, message) : null);
        }
      },
    };
    const fused = this.fused;
    if (fused !== null && !batch.multiline) {
      const width = this.decoder.width;
      const slow = genericLine(generic, width, spec.newline);
      const fusedQc = this.fusedQc;
      fused.each(batch, spec.newline, {
        clean: (line, id) => {
          if (fusedQc !== null) {
            // As the generic path's row visitor does with a case that has no field problems.
            if (!fusedQc.read()) return slow(line, fusedQc.lineText(), false);
            const findings = fusedQc.check();
            emit(line, qc!.blocks(findings) ? invalidResult(id, qc!.reasons(findings)) : qc!.group(spec.trace, spec.translate), null, findings);
            return;
          }
          fused.fillContext(this.scheme, this.scheme.ctx, spec.translate);
          const r = groupPrepared(this.scheme, this.scheme.ctx, id, spec.trace, this.slot);
          let cmp: GroupResult | null = null;
          if (this.compare !== null) {
            fused.fillContext(this.compare, this.compare.ctx, spec.translate);
            cmp = groupPrepared(this.compare, this.compare.ctx, id, spec.trace, this.cmpSlot);
          }
          emit(line, r, cmp);
        },
        slow,
      });
    } else {
      visitLines(batch, this.decoder.width, spec.newline, generic);
    }
    const body = csv ? this.bytes.take(lend) : out;
    return matrix === undefined ? { out: body, rejects, counts } : { out: body, rejects, counts, aggregate: matrix };
  }

  /** One CSV row as bytes: the same text as `format` gives for csv (a test holds them equal). */
  private csvBytes(r: GroupResult, cmp: GroupResult | null, findings: readonly Finding[] | null): void {
    const w = this.bytes;
    w.field(r.id);
    w.byte(44);
    this.cells.write(w, r);
    w.byte(44);
    if (r.reasons.length + r.warnings.length > 0) {
      w.field(codes(r.reasons));
      w.byte(44);
      w.field(codes(r.warnings));
      w.byte(44);
      w.field(detail(r));
    } else {
      w.byte(44);
      w.byte(44);
    }
    if (findings !== null) {
      w.byte(44);
      writeFindingsCell(w, findings);
    }
    if (cmp !== null) {
      w.byte(44);
      groupCells(w, cmp);
      w.byte(44);
      w.field(codes(cmp.reasons));
      w.byte(44);
      w.ascii(cmp.drg !== r.drg || cmp.status !== r.status ? 'yes' : 'no');
    }
    w.byte(10);
  }

  private format(line: number, r: GroupResult, cmp: GroupResult | null, findings: readonly Finding[] | null): string {
    switch (this.spec.format) {
      case 'csv': {
        // Status, MDC, ADRG, DRG, level and codes never hold a comma or quote; only
        // free text (id, name, messages) goes through csvField. This is the hot path.
        let s = `${csvField(r.id)},${r.status},${r.mdc ?? ''},${r.adrg ?? ''},${r.drg},${csvField(r.drgName)},${r.ccLevel === 'none' ? '' : r.ccLevel},${r.ccDx ?? ''},`;
        if (r.reasons.length + r.warnings.length === 0) s += ',,';
        else s += `${csvField(codes(r.reasons))},${csvField(codes(r.warnings))},${csvField(detail(r))}`;
        if (this.spec.translate) s += `,${csvField(r.translations.map((t) => `${t.field === 'diagnoses' ? 'dx' : 'px'}${t.position}:${t.from}>${t.to}`).join('|'))}`;
        if (this.spec.trace) s += `,${csvField(r.trace !== undefined ? formatTrace(r.trace) : '')}`;
        if (findings !== null) s += `,${csvField(findingsCell(findings))}`;
        if (cmp !== null) {
          s += `,${cmp.status},${cmp.mdc ?? ''},${cmp.adrg ?? ''},${cmp.drg},${csvField(cmp.drgName)},${cmp.ccLevel === 'none' ? '' : cmp.ccLevel},${cmp.ccDx ?? ''},${csvField(codes(cmp.reasons))},${cmp.drg !== r.drg || cmp.status !== r.status ? 'yes' : 'no'}`;
        }
        return `${s}\n`;
      }
      case 'jsonl':
        return `${JSON.stringify({ line, ...r, ...(findings !== null ? { qc: findings } : {}), ...(cmp !== null ? { compare: cmp } : {}) })}\n`;
      case 'text': {
        const head = `${r.id || '(no id)'} (line ${line}): ${describe(r)}${cmp !== null ? `\n    compare: ${describe(cmp)}` : ''}`;
        const body = r.trace !== undefined ? `\n${formatTrace(r.trace)}` : r.reasons.length + r.warnings.length > 0 ? `\n    ${detail(r)}` : '';
        const qcLines = findings !== null ? findings.map((f) => `\n    qc ${f.severity} ${f.rule}: ${f.message}`).join('') : '';
        return `${head}${body}${qcLines}\n\n`;
      }
    }
  }
}

/** status,mdc,adrg,drg,drg_name,cc_level,cc_dx of a result as CSV bytes (all but the name are plain codes). */
function groupCells(w: ByteWriter, r: GroupResult): void {
  groupHeadCells(w, r);
  w.byte(44);
  if (r.ccDx !== null) w.ascii(r.ccDx);
}

/** status,mdc,adrg,drg,drg_name,cc_level of a result: what one DRG's results share. */
function groupHeadCells(w: ByteWriter, r: GroupResult): void {
  w.ascii(r.status);
  w.byte(44);
  if (r.mdc !== null) w.ascii(r.mdc);
  w.byte(44);
  if (r.adrg !== null) w.ascii(r.adrg);
  w.byte(44);
  w.ascii(r.drg);
  w.byte(44);
  w.recurring(r.drgName);
  w.byte(44);
  if (r.ccLevel !== 'none') w.ascii(r.ccLevel);
}

interface HeadBytes {
  readonly status: string;
  readonly mdc: string | null;
  readonly adrg: string | null;
  readonly drgName: string;
  readonly bytes: Uint8Array;
}

/**
 * The CSV bytes of {@link groupCells} for the results of one DRG, encoded
 * once: the cells before cc_dx repeat case after case (a DRG has one MDC,
 * ADRG and name), so a row copies them as one run of bytes. An entry is kept
 * per DRG code and complication level, and replaced when a result with them
 * differs in any other cell.
 */
class GroupCellsMemo {
  /** DRG code → entries by complication level (MCC, CC, none): a DRG split "MCC or CC" gives both levels. */
  private readonly byDrg = new Map<string, (HeadBytes | undefined)[]>();

  write(w: ByteWriter, r: GroupResult): void {
    let entries = this.byDrg.get(r.drg);
    if (entries === undefined) this.byDrg.set(r.drg, (entries = [undefined, undefined, undefined]));
    const level = r.ccLevel === 'MCC' ? 0 : r.ccLevel === 'CC' ? 1 : 2;
    const e = entries[level];
    if (e !== undefined && e.status === r.status && e.mdc === r.mdc && e.adrg === r.adrg && e.drgName === r.drgName) {
      w.raw(e.bytes);
    } else {
      const from = w.length;
      groupHeadCells(w, r);
      entries[level] = { status: r.status, mdc: r.mdc, adrg: r.adrg, drgName: r.drgName, bytes: w.copy(from) };
    }
    w.byte(44);
    if (r.ccDx !== null) w.ascii(r.ccDx);
  }
}

/** The result for a row that could not be grouped because its data is unusable. */
export function invalidResult(id: string, reasons: readonly Note[]): GroupResult {
  return { id, status: 'invalid', mdc: null, adrg: null, drg: NO_DRG, drgName: '', ccLevel: 'none', ccDx: null, reasons, warnings: [], translations: [], trace: undefined };
}

/** The first cell of a raw record (its id, usually), or '' when it is quoted. */
export function firstCell(raw: string): string {
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
