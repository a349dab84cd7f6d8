/**
 * History for weight computation: grouped cases reduced to what weights need
 * (DRG, year, cost, length of stay), visited once per pass.
 *
 * Weight computation reads the history several times (trimming needs each
 * group's spread before it can decide what to keep), so a source is anything
 * that can be walked again: an array in memory, or the compact binary spill
 * file that `drg weights` writes while grouping (16 bytes per case), read back
 * in chunks so memory does not grow with the history.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Fen } from '../src/money.js';

/** One grouped case of the history. */
export interface HistoryCase {
  readonly drg: string;
  readonly year: number;
  /** Total cost, fen. */
  readonly cost: Fen;
  /** Length of stay in days, or null when unknown. */
  readonly los: number | null;
}

/** Visits each case: DRG index (into `drgs`), year, cost in fen, LOS (NaN when unknown). */
export type HistoryVisitor = (drg: number, year: number, cost: number, los: number) => void;

export interface HistorySource {
  /** DRG codes; cases refer to them by index. */
  readonly drgs: readonly string[];
  /** Walk every case, in the same order each time. */
  forEach(visit: HistoryVisitor): void;
}

/** A source over cases in memory. */
export function historyFromArray(cases: readonly HistoryCase[]): HistorySource {
  const drgs = [...new Set(cases.map((c) => c.drg))].sort();
  const index = new Map(drgs.map((d, i) => [d, i]));
  return {
    drgs,
    forEach(visit) {
      for (const c of cases) visit(index.get(c.drg)!, c.year, c.cost, c.los ?? NaN);
    },
  };
}

/** Bytes per spilled case: cost f64, DRG index u16, year u16, LOS f32 (little-endian). */
export const SPILL_RECORD = 16;

/** Append one case to a spill buffer at `offset` (the caller has made room). */
export function writeSpill(view: DataView, offset: number, drg: number, year: number, cost: number, los: number): void {
  view.setFloat64(offset, cost, true);
  view.setUint16(offset + 8, drg, true);
  view.setUint16(offset + 10, year, true);
  view.setFloat32(offset + 12, los, true);
}

/** A source over a spill file written with {@link writeSpill}. */
export function historyFromSpill(path: string, drgs: readonly string[], chunkRecords = 1 << 16): HistorySource {
  return {
    drgs,
    forEach(visit) {
      const fd = openSync(path, 'r');
      const buf = Buffer.allocUnsafe(chunkRecords * SPILL_RECORD);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      try {
        let carry = 0;
        for (;;) {
          const got = readSync(fd, buf, carry, buf.length - carry, null);
          const have = carry + got;
          const whole = have - (have % SPILL_RECORD);
          for (let o = 0; o < whole; o += SPILL_RECORD) {
            visit(view.getUint16(o + 8, true), view.getUint16(o + 10, true), view.getFloat64(o, true), view.getFloat32(o + 12, true));
          }
          carry = have - whole;
          if (carry > 0) buf.copy(buf, 0, whole, have);
          if (got === 0) break;
        }
        if (carry !== 0) throw new Error(`spill file ${path} ends inside a record`);
      } finally {
        closeSync(fd);
      }
    },
  };
}
