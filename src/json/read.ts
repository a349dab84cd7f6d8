/**
 * Read a JSON data file (parameters, policies) and validate it with a zod
 * schema. Problems are collected with the file and the JSON path of the
 * value (`$.deviation.low`, `$.pools[1].fund_budget`).
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { IssueList } from '../errors.js';

/** A zod issue path as a JSON path: `$.a.b[2]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** Validate an already parsed value; issues name `file` and the JSON path. */
export function validateJson<S extends z.ZodType>(value: unknown, file: string, schema: S, issues: IssueList, code = 'json.invalid'): z.output<S> | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  for (const iss of r.error.issues) issues.add({ code, file, path: jsonPath(iss.path), message: iss.message });
  return undefined;
}

/** Read, parse and validate a JSON file; undefined (with issues added) when it cannot be used. */
export function readJson<S extends z.ZodType>(path: string, schema: S, issues: IssueList, options: { displayName?: string; code?: string } = {}): z.output<S> | undefined {
  const file = options.displayName ?? path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    issues.add({ code: 'file.unreadable', file, message: e.code === 'ENOENT' ? 'the file is missing' : `cannot read the file: ${e.message}` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    issues.add({ code: 'json.syntax', file, message: `not valid JSON: ${(err as Error).message}` });
    return undefined;
  }
  return validateJson(value, file, schema, issues, options.code);
}
