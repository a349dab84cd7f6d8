/**
 * The `weights` job: group each history case and reduce it to what weight
 * computation needs — DRG, year, cost, LOS — as a 16-byte binary record
 * (weights/history.ts). The pipeline writes these records, in input order,
 * to a spill file that the computation then reads several times.
 *
 * The year comes from a `year` column when the file has one, else from the
 * year of discharge_date.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch, type RowVisitor } from '../io/rows.js';
import { parseYuan } from '../money.js';
import { groupCase, groupPrepared, loadSchemeSync, resultSlot, type CompiledScheme, type GroupStatus } from '../../groupers/chs-drg/index.js';
import { SPILL_RECORD, writeSpill } from '../../weights/history.js';
import { FusedReader, genericLine } from './group-fast.js';

export interface WeightsJobSpec extends JobSpecBase {
  readonly kind: 'weights';
  readonly scheme: string;
  readonly columns: readonly (readonly [string, CaseField])[];
  /** Header name of the year column, or null to take the year of discharge_date. */
  readonly yearColumn: string | null;
  readonly rejects: boolean;
}

/**
 * Counters: read = grouped + ambiguous + ungroupable + invalid + rejected;
 * grouped = spilled + no_cost + no_year.
 */
export const zeroWeightCounts = (): Counts => ({ read: 0, grouped: 0, ambiguous: 0, ungroupable: 0, invalid: 0, rejected: 0, blank: 0, spilled: 0, no_cost: 0, no_year: 0 });

/** The DRG codes of a scheme in spill order (sorted), so every thread numbers them alike. */
export const spillDrgs = (s: CompiledScheme): string[] => [...s.drgs.keys()].sort();

const YEAR = /^\d{4}$/;

export class WeightsJob implements BatchJob {
  readonly scheme: CompiledScheme;
  readonly decoder: CaseDecoder;
  private readonly fused: FusedReader | null;
  /** The fused path's group result, overwritten row after row (only its status and DRG are kept). */
  private readonly slot = resultSlot();
  private readonly drgIndex: Map<string, number>;
  private readonly yearAt: number;
  private readonly costAt: number;
  private readonly dateAt: number;

  constructor(
    readonly spec: WeightsJobSpec,
    loaded: { scheme?: CompiledScheme; fused?: boolean } = {},
  ) {
    this.scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.fused = loaded.fused === false ? null : FusedReader.for(this.decoder);
    this.drgIndex = new Map(spillDrgs(this.scheme).map((d, i) => [d, i]));
    this.yearAt = spec.yearColumn === null ? -1 : spec.header.findIndex((h) => h.trim().toLowerCase() === spec.yearColumn!.toLowerCase());
    this.costAt = this.decoder.positionsOf('total_cost')[0] ?? -1;
    this.dateAt = this.decoder.positionsOf('discharge_date')[0] ?? -1;
  }

  head(): string {
    return '';
  }

  run(batch: RecordBatch): BatchOutput {
    const counts = zeroWeightCounts();
    // Room for one spill record per record of the batch, grown if a record yields more rows.
    let buf = new Uint8Array(Math.max(1, batch.records) * SPILL_RECORD);
    let view = new DataView(buf.buffer);
    let used = 0;
    let rejects = '';
    const take = (status: GroupStatus, drg: string, costText: string, yearText: string, los: number): void => {
      counts['read']!++;
      counts[status]!++;
      if (status !== 'grouped') return;
      const cost = costText === '' ? undefined : parseYuan(costText);
      if (cost === undefined || cost < 0) {
        counts['no_cost']!++;
        return;
      }
      const year = YEAR.test(yearText) ? Number(yearText) : NaN;
      if (!(year >= 1) || year > 65535) {
        counts['no_year']!++;
        return;
      }
      counts['spilled']!++;
      if (used + SPILL_RECORD > buf.length) {
        const next = new Uint8Array(buf.length * 2);
        next.set(buf);
        buf = next;
        view = new DataView(buf.buffer);
      }
      writeSpill(view, used, this.drgIndex.get(drg)!, year, cost, los);
      used += SPILL_RECORD;
    };
    const yearOf = (cells: { cell(p: number): string }): string => {
      if (this.yearAt >= 0) return cells.cell(this.yearAt).trim();
      return this.dateAt >= 0 ? cells.cell(this.dateAt).trim().slice(0, 4) : '';
    };
    const generic: RowVisitor = {
      row: (_line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        if (problems !== null) {
          counts['read']!++;
          counts['invalid']!++;
          return;
        }
        const g = groupCase(this.scheme, c);
        const at = { cell: (p: number) => cells[p]! };
        take(g.status, g.drg, this.costAt >= 0 ? cells[this.costAt]!.trim() : '', yearOf(at), c.los ?? NaN);
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        counts['read']!++;
        if (this.spec.rejects) {
          counts['rejected']!++;
          rejects += csvLine([String(line), code, message, raw]);
        } else counts['invalid']!++;
      },
    };
    const fused = this.fused;
    if (fused !== null && !batch.multiline) {
      const width = this.decoder.width;
      fused.each(batch, this.spec.newline, {
        clean: (_line, id) => {
          fused.fillContext(this.scheme, this.scheme.ctx, false);
          const g = groupPrepared(this.scheme, this.scheme.ctx, id, false, this.slot);
          const los = fused.values[4]!;
          take(g.status, g.drg, this.costAt >= 0 ? fused.cell(this.costAt) : '', yearOf(fused), los);
        },
        slow: genericLine(generic, width, this.spec.newline),
      });
    } else {
      parseBatch(batch, this.decoder.width, this.spec.newline, generic);
    }
    return { out: buf.subarray(0, used), rejects, counts };
  }
}
