/**
 * Read a DIP directory folder: dip.json and the CSV files, each validated
 * against its zod schema (format.ts). Problems name the file, line and
 * column (or JSON path) and are thrown together; compile.ts checks what
 * spans files and builds the look-up structures.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readTable, type TableRow } from '../../src/csv/table.js';
import { DataError, IssueList } from '../../src/errors.js';
import { readJson } from '../../src/json/read.js';
import {
  DIRECTORY_FILE,
  directoryRow,
  type DipParams,
  PARAMS_FILE,
  paramsSchema,
  procedureTypeRow,
  PROCEDURE_TYPES_FILE,
  subtypeRow,
  SUBTYPES_FILE,
  type DirectoryRow,
} from './format.js';
import type { z } from 'zod';

export interface DirectoryPackage {
  /** Absolute folder. */
  readonly dir: string;
  /** Folder name, used in messages (`mydir/directory.csv`). */
  readonly label: string;
  readonly params: DipParams;
  readonly groups: readonly TableRow<DirectoryRow>[];
  readonly procedureTypes: readonly TableRow<z.infer<typeof procedureTypeRow>>[];
  readonly subtypes: readonly TableRow<z.infer<typeof subtypeRow>>[];
}

/** Read and validate a directory folder. Throws {@link DataError} naming file, line and column. */
export function readDirectory(dirArg: string): DirectoryPackage {
  const dir = resolve(dirArg);
  const label = basename(dir);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw new DataError([{ code: 'directory.unreadable', file: dir, message: `DIP directory cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  if (!isDir) throw new DataError([{ code: 'directory.unreadable', file: dir, message: `not a folder (a DIP directory is a folder with ${DIRECTORY_FILE} and ${PARAMS_FILE})` }]);
  const issues = new IssueList();
  const file = (name: string) => `${label}/${name}`;
  const params = readJson(join(dir, PARAMS_FILE), paramsSchema, issues, { displayName: file(PARAMS_FILE), code: 'params.invalid' });
  const groups = readTable(join(dir, DIRECTORY_FILE), directoryRow, issues, { displayName: file(DIRECTORY_FILE) });
  const optional = <S extends z.ZodObject>(name: string, schema: S): TableRow<z.infer<S>>[] =>
    existsSync(join(dir, name)) ? readTable(join(dir, name), schema, issues, { displayName: file(name) }) : [];
  const procedureTypes = optional(PROCEDURE_TYPES_FILE, procedureTypeRow);
  const subtypes = optional(SUBTYPES_FILE, subtypeRow);
  issues.throwIfAny(`cannot load DIP directory ${label}`);
  return { dir, label, params: params!, groups, procedureTypes, subtypes };
}
