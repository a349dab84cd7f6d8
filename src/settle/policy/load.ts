/**
 * Read, validate and compile a benefit policy file. Every problem names the
 * file and the JSON path (`$.critical_illness.types.resident.bands[2].from`);
 * all problems are collected and thrown together as a DataError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../paths.js';
import { DataError, IssueList, type DataIssue } from '../../errors.js';
import { LAYER_KINDS } from '../layers/index.js';
import type { CompiledLayer, PolicyContext } from '../layers/layer.js';
import { feeForService, methodKind, type CompiledMethod } from '../methods/index.js';
import { jsonPath, type PolicyChecker } from './check.js';
import { policySchema, type PolicyFile } from './schema.js';
import { levelNames } from './common.js';

/** A policy ready to settle bills: look-up tables built once. Immutable. */
export interface CompiledPolicy {
  readonly id: string;
  readonly region: string;
  readonly year: number;
  /** Level names, in index order. */
  readonly levels: readonly string[];
  /** Level code or name (as a bill may give it) → level index. */
  readonly levelIndex: ReadonlyMap<string, number>;
  readonly insuredTypes: ReadonlySet<string>;
  readonly personClasses: ReadonlySet<string>;
  /** Out-of-area category → index (from 1; 0 is local). */
  readonly outOfAreaIndex: ReadonlyMap<string, number>;
  /** Layers in settlement order. */
  readonly layers: readonly CompiledLayer[];
  /** Method rules in order, fee-for-service last. */
  readonly methods: readonly CompiledMethod[];
  /** The validated file. */
  readonly source: PolicyFile;
}

/** Validate a parsed JSON value as a policy; `file` names it in errors. Throws DataError. */
export function parsePolicy(json: unknown, file = 'policy'): CompiledPolicy {
  const issues = new IssueList();
  const r = policySchema.safeParse(json);
  if (!r.success) {
    for (const iss of r.error.issues) issues.add({ code: 'policy.invalid', file, path: jsonPath(iss.path), message: iss.message });
    issues.throwIfAny(`invalid policy ${file}`);
  }
  const p = r.data!;
  const at: PolicyChecker = {
    add: (path, message, code = 'policy.invalid') => issues.add({ code, file, path: jsonPath(path), message } satisfies DataIssue),
  };
  checkCommon(p, at);
  for (const kind of LAYER_KINDS) kind.check(p, at);
  p.payment_methods.forEach((rule, i) => methodKind(rule.method).check(rule, p, ['payment_methods', i], at));
  issues.throwIfAny(`invalid policy ${file}`);
  return compilePolicy(p);
}

/** Read a policy file. Throws DataError naming the file and JSON path of every problem. */
export function loadPolicy(path: string, displayName = path): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DataError([{ code: 'policy.unreadable', file: displayName, message: e.code === 'ENOENT' ? 'no such file' : `cannot read the file: ${e.message}` }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DataError([{ code: 'policy.json', file: displayName, message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return parsePolicy(json, displayName);
}

/**
 * A `--policy` argument as a path: an existing file as given, else a bare
 * name (`zibo-2023`) looked up in the repository's `policies/` folder.
 */
export function resolvePolicyPath(spec: string): string {
  if (existsSync(spec) || spec.includes('/') || spec.includes('\\') || spec.endsWith('.json')) return spec;
  return join(policiesDir(), `${spec}.json`);
}

/** The folder of the example policies shipped with the engine. */
export function policiesDir(): string {
  return join(repoRoot(), 'policies');
}

function checkCommon(p: PolicyFile, at: PolicyChecker): void {
  const names = Object.values(p.hospital_levels);
  const seen = new Set<string>();
  for (const [code, name] of Object.entries(p.hospital_levels)) {
    if (seen.has(name)) at.add(['hospital_levels', code], `level name "${name}" is given to two codes`, 'policy.duplicate');
    seen.add(name);
    if (Object.hasOwn(p.hospital_levels, name) && p.hospital_levels[name] !== name) at.add(['hospital_levels', code], `level name "${name}" is also a level code of another level`, 'policy.duplicate');
  }
  if (names.length === 0) return;
  const types = new Set<string>();
  p.insured_types.forEach((t, i) => {
    if (types.has(t)) at.add(['insured_types', i], `insured type "${t}" appears twice`, 'policy.duplicate');
    types.add(t);
  });
  const ids = new Set<string>();
  p.payment_methods.forEach((rule, i) => {
    if (ids.has(rule.id)) at.add(['payment_methods', i, 'id'], `rule id "${rule.id}" appears twice`, 'policy.duplicate');
    ids.add(rule.id);
  });
}

function compilePolicy(p: PolicyFile): CompiledPolicy {
  const levels = levelNames(p);
  const levelIndex = new Map<string, number>();
  levels.forEach((l, i) => levelIndex.set(l, i));
  for (const [code, name] of Object.entries(p.hospital_levels)) levelIndex.set(code, levels.indexOf(name));
  const outOfArea = Object.keys(p.out_of_area);
  const ctx: PolicyContext = { levels, insuredTypes: p.insured_types, outOfArea };
  const methods = p.payment_methods.map((rule) => methodKind(rule.method).compile(rule, ctx));
  methods.push(feeForService(''));
  return {
    id: p.id,
    region: p.region,
    year: p.year,
    levels,
    levelIndex,
    insuredTypes: new Set(p.insured_types),
    personClasses: new Set(Object.keys(p.person_classes)),
    outOfAreaIndex: new Map(outOfArea.map((k, i) => [k, i + 1])),
    layers: LAYER_KINDS.flatMap((k) => k.compile(p, ctx)),
    methods,
    source: p,
  };
}
