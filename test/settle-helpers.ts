/**
 * Helpers for the settlement tests: the shipped policies, bills built from
 * plain fields (validated by parseBill), and usage built from counters.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBill, type Bill, type BillInput } from '../src/settle/bill.js';
import { loadPolicy, parsePolicy, type CompiledPolicy } from '../src/settle/policy/load.js';
import type { Counters, Usage } from '../src/settle/types.js';
import { ROOT } from './helpers.js';

const cache = new Map<string, CompiledPolicy>();
/** A shipped example policy (policies/<name>.json), loaded once. */
export function policy(name: string): CompiledPolicy {
  let p = cache.get(name);
  if (p === undefined) cache.set(name, (p = loadPolicy(join(ROOT, 'policies', `${name}.json`))));
  return p;
}

/** A bill from fields (yuan as text), validated: throws when the fields are not a bill. */
export function bill(fields: BillInput): Bill {
  const r = parseBill({ person_id: 'P1', date: '2023-05-01', insured_type: 'resident', hospital_level: '3', out_of_scope: '0', pre_self_pay: '0', ...fields });
  if (!r.ok) throw new Error(`not a bill: ${JSON.stringify(r.problems)}`);
  if (r.request.action !== 'settle') throw new Error('not a settle request');
  return r.request.bill;
}

export const usage = (admissions: number, counters: Counters = {}): Usage => ({ admissions, counters });

/** A policy JSON object to modify in tests (a deep copy of a shipped one). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function policyJson(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(ROOT, 'policies', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

export { parsePolicy };
