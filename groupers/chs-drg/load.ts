/**
 * Read a scheme package folder: the manifest and every CSV file, each
 * validated against its zod schema (format.ts). Returns validated rows with
 * their line numbers; compile.ts turns them into look-up structures.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DataError, IssueList } from '../../src/errors.js';
import { readTable } from '../../src/csv/table.js';
import { manifestSchema, PACKAGE_FILES, type Manifest, type PackageFile, type PackageRows } from './format.js';

export interface SchemePackage {
  readonly dir: string;
  readonly manifest: Manifest;
  /** Rows of each file; files absent from an optional slot have no rows. */
  readonly rows: PackageRows;
  /** Which optional files were present. */
  readonly present: ReadonlySet<PackageFile>;
}

/**
 * Check that a folder is a scheme package and read its manifest, without
 * reading the tables (cheap; the full check is {@link readPackage}).
 */
export function readManifest(dirArg: string): Manifest {
  const dir = resolve(dirArg);
  const label = basename(dir);
  checkFolder(dir);
  return parseManifest(dir, label);
}

function checkFolder(dir: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw new DataError([{ code: 'scheme.unreadable', file: dir, message: `scheme folder cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  if (!isDir) throw new DataError([{ code: 'scheme.unreadable', file: dir, message: 'not a folder (a scheme package is a folder of CSV files with a manifest.json)' }]);
}

function parseManifest(dir: string, label: string): Manifest {
  const manifestPath = join(dir, 'manifest.json');
  const file = `${label}/manifest.json`;
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataError([{ code: 'manifest.unreadable', file, message: e.code === 'ENOENT' ? 'manifest.json is missing: this folder is not a scheme package' : `cannot read manifest.json: ${e.message}` }]);
  }
  const m = manifestSchema.safeParse(manifestJson);
  if (!m.success) {
    throw new DataError(
      m.error.issues.map((iss) => ({ code: 'manifest.invalid', file, path: `$${iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`, message: iss.message })),
    );
  }
  return m.data;
}

/** Read and validate a package folder. Throws {@link DataError} naming file, line and column. */
export function readPackage(dirArg: string): SchemePackage {
  const dir = resolve(dirArg);
  const label = basename(dir);
  checkFolder(dir);
  const manifest = parseManifest(dir, label);
  const issues = new IssueList();
  const rows = {} as Record<PackageFile, { line: number; row: unknown }[]>;
  const present = new Set<PackageFile>();
  for (const [name, spec] of Object.entries(PACKAGE_FILES) as [PackageFile, (typeof PACKAGE_FILES)[PackageFile]][]) {
    const path = join(dir, name);
    const needed = spec.required === 'always' || spec.required === manifest.semantics || name in manifest.files;
    const relevant = spec.required === 'always' || spec.required === 'never' || spec.required === manifest.semantics;
    if (!relevant || !existsSync(path)) {
      if (needed) issues.add({ code: 'file.missing', file: `${label}/${name}`, message: `required file is missing (semantics ${manifest.semantics})` });
      rows[name] = [];
      continue;
    }
    present.add(name);
    const before = issues.size;
    rows[name] = readTable(path, spec.schema, issues, { displayName: `${label}/${name}` });
    const expected = manifest.files[name];
    // Only compare counts for a file that read cleanly; otherwise its own errors say more.
    if (expected !== undefined && issues.size === before && rows[name].length !== expected) {
      issues.add({ code: 'manifest.count', file: `${label}/${name}`, message: `manifest.json says ${expected} rows, the file has ${rows[name].length}` });
    }
  }
  issues.throwIfAny(`cannot load scheme ${label}`);
  return { dir, manifest, rows: rows as unknown as PackageRows, present };
}
