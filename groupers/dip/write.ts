/**
 * Write a built directory as a folder: directory.csv, dip.json,
 * procedure_types.csv, subtypes.csv (when there are subtypes) and
 * build_report.csv (per-group statistics; not read by the loader).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { csvLine } from '../../src/io/csv.js';
import { Decimal, formatYuan, roundFen } from '../../src/money.js';
import type { BuiltDirectory } from './build.js';
import { formatProcedureSet } from './expr.js';
import { DIRECTORY_FILE, PARAMS_FILE, PROCEDURE_TYPES_FILE, SUBTYPES_FILE } from './format.js';

export const REPORT_FILE = 'build_report.csv';

/** The files of a built directory, name → content. */
export function directoryFiles(b: BuiltDirectory): Map<string, string> {
  const files = new Map<string, string>();
  let dir = csvLine(['group_code', 'name', 'kind', 'dx_key', 'main_procedures', 'related_procedures', 'procedure_type', 'score', 'mean_cost', 'cases']);
  for (const g of b.groups) {
    dir += csvLine([g.group_code, g.name ?? '', g.kind, g.dx_key, formatProcedureSet(g.main_procedures), formatProcedureSet(g.related_procedures), g.procedure_type, g.score, formatYuan(g.mean_cost), String(g.cases)]);
  }
  files.set(DIRECTORY_FILE, dir);
  files.set(PARAMS_FILE, `${JSON.stringify(b.params, null, 2)}\n`);
  let types = csvLine(['proc_code', 'type']);
  for (const [code, type] of b.procedureTypes) types += csvLine([code, type]);
  files.set(PROCEDURE_TYPES_FILE, types);
  if (b.subtypes.length > 0) {
    let sub = csvLine(['group_code', 'subtype', 'cases', 'mean_cost', 'coefficient']);
    for (const s of b.subtypes) sub += csvLine([s.group_code, s.subtype, String(s.cases), formatYuan(s.mean_cost), s.coefficient]);
    files.set(SUBTYPES_FILE, sub);
  }
  const yuan = (fen: Decimal) => formatYuan(roundFen(fen));
  let report = csvLine(['group_code', 'kind', 'dx_key', 'main_procedures', 'related_procedures', 'procedure_type', 'cases', 'kept', ...b.years.map((y) => `mean_${y}`), 'weighted_mean', 'score', 'cv', 'cv_adjusted', 'subtypes']);
  for (const r of b.report) {
    report += csvLine([
      r.code,
      r.kind,
      r.dxKey,
      r.main,
      r.related,
      r.procedureType,
      String(r.cases),
      String(r.kept),
      ...b.years.map((y) => (r.yearMeans.has(y) ? yuan(r.yearMeans.get(y)!) : '')),
      yuan(r.mean),
      r.score.toFixed(),
      new Decimal(r.cv).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      new Decimal(r.cvAdjusted).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4),
      r.subtypes.join('|'),
    ]);
  }
  files.set(REPORT_FILE, report);
  return files;
}

/** Write the files into a folder (created if needed). */
export function writeDirectory(b: BuiltDirectory, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of directoryFiles(b)) writeFileSync(join(dir, name), text);
}
