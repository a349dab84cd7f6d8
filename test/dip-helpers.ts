/** Helpers for the DIP tests: the mini directory fixture and writable copies of it. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDirectorySync, type CompiledDirectory } from '../groupers/dip/index.js';
import { ROOT } from './helpers.js';

export const DIP_MINI = join(ROOT, 'examples/dip/directory');

export function dipMini(): CompiledDirectory {
  return loadDirectorySync(DIP_MINI);
}

/** A writable copy of the mini directory, with files replaced or edited. */
export function dipCopy(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'dip-mini-'));
  cpSync(DIP_MINI, dir, { recursive: true });
  for (const [name, edit] of Object.entries(edits)) {
    const path = join(dir, name);
    writeFileSync(path, typeof edit === 'string' ? edit : edit(readFileSync(path, 'utf8')));
  }
  return dir;
}

/** A case for the mini directory: a man of 40 in a level-3 hospital, five days. */
export function dipCase(over: Partial<{ id: string; diagnoses: string[]; procedures: string[]; total_cost: number | null; age: number | null; los: number | null; discharge: number | null; hospital_level: number | null; icu_days: number | null }> = {}) {
  return { id: 't', diagnoses: ['K35.800x001'], procedures: [] as string[], total_cost: 2000000 as number | null, age: 40, los: 5, discharge: 1, hospital_level: 3 as number | null, icu_days: null as number | null, ...over };
}
