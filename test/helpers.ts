/**
 * Test helpers. Shared data (../shared) must be present: a missing folder
 * fails the run instead of skipping the golden tests.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import Papa from 'papaparse';
import { loadSchemeSync, type CompiledScheme } from '../groupers/chs-drg/index.js';
import { schemesDir, sharedDir, validationDir } from '../src/paths.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const MINI = join(ROOT, 'test/fixtures/mini-scheme');

/** The shared folder, or a thrown error saying where it was looked for. */
export function requireShared(): string {
  const dir = sharedDir();
  if (!existsSync(join(dir, 'schemes')) || !existsSync(join(dir, 'validation'))) {
    throw new Error(`shared data not found at ${dir} (set DRG_SHARED_DIR): the golden tests cannot run`);
  }
  return dir;
}

const cache = new Map<string, CompiledScheme>();
/** A scheme from the shared folder (or the mini fixture), loaded once per test file. */
export function scheme(name: string): CompiledScheme {
  let s = cache.get(name);
  if (s === undefined) {
    const local = isAbsolute(name); // a fixture folder
    if (!local) requireShared();
    s = loadSchemeSync(local ? name : join(schemesDir(), name));
    cache.set(name, s);
  }
  return s;
}

export interface ValidationRow {
  id: string;
  sex: string;
  age: string;
  age_days: string;
  birth_weight: string;
  los: string;
  discharge: string;
  diagnoses: string;
  procedures: string;
  expected_status: string;
  expected_mdc: string;
  expected_adrg: string;
  expected_drg: string;
}

export function validationRows(file: string): ValidationRow[] {
  requireShared();
  const text = readFileSync(join(validationDir(), file), 'utf8');
  return Papa.parse<ValidationRow>(text, { header: true, skipEmptyLines: true }).data;
}

const num = (s: string): number | null => (s === '' ? null : Number(s));
export function toInput(r: ValidationRow) {
  return {
    id: r.id,
    sex: num(r.sex),
    age: num(r.age),
    age_days: num(r.age_days),
    birth_weight: num(r.birth_weight),
    los: num(r.los),
    discharge: num(r.discharge),
    diagnoses: r.diagnoses.split('|'),
    procedures: r.procedures.split('|'),
  };
}

/** A writable copy of the mini scheme, for tests that break it. */
export function miniCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drg-mini-'));
  cpSync(MINI, dir, { recursive: true });
  return dir;
}

/** A base case for the mini scheme: a man of 40 with one diagnosis. */
export function mini(over: Partial<{ sex: number | null; age: number | null; age_days: number | null; birth_weight: number | null; los: number | null; diagnoses: string[]; procedures: string[] }>) {
  return { id: 't', sex: 1, age: 40, age_days: null, birth_weight: null, los: 5, diagnoses: ['K35.900'], procedures: [] as string[], ...over };
}

/** Run the real `drg` binary (bin/drg.js over dist/) with arguments and optional standard input. */
export function runDrg(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/drg.js'), ...args], { cwd: ROOT, input, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** CSV text with a header → one object per row. */
export const csvRows = (text: string): Record<string, string>[] => Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;

/** CLI tests run the built binary: fail clearly when dist/ is missing. */
export function requireBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
}

/** Write a file into a test's temporary folder and return its path. */
export function writeIn(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
