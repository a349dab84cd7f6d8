/**
 * The compiled engine against the plain reference evaluator (reference.ts),
 * which interprets the package's JSON predicates over string sets with none
 * of the engine's machinery. They must agree on every case: the reference
 * files, and random cases built from each scheme's own lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCode, groupCase, groupPrepared, resultSlot, type CompiledScheme, type GroupInput } from '../groupers/chs-drg/index.js';
import { readPackage, type SchemePackage } from '../groupers/chs-drg/load.js';
import { referenceGrouper } from '../groupers/chs-drg/reference.js';
import { resolveSchemeDir } from '../src/paths.js';
import { join } from 'node:path';
import { MINI, ROOT, requireShared, scheme, toInput, validationRows } from './helpers.js';

const MINI2 = join(ROOT, 'test/fixtures/mini-scheme-2.0');

function pools(pkg: SchemePackage) {
  const r = pkg.rows;
  const dx = new Set<string>();
  const px = new Set<string>();
  for (const x of r['mdc_dx.csv']) dx.add(x.row.dx_code);
  for (const x of r['adrg_dx.csv']) dx.add(x.row.dx_code);
  for (const x of r['cc.csv']) dx.add(x.row.dx_code);
  for (const x of r['mcc.csv']) dx.add(x.row.dx_code);
  for (const x of r['gray_dx.csv']) dx.add(x.row.dx_code);
  for (const x of r['adrg_px.csv']) px.add(x.row.proc_code);
  for (const x of r['or_valid_procedures.csv']) px.add(x.row.proc_code);
  for (const x of r['gray_px.csv']) px.add(x.row.proc_code);
  for (const x of r['invalid_principal_px.csv']) px.add(x.row.proc_code);
  return { dx: [...dx], px: [...px] };
}

/** Random cases: mostly codes from the scheme's lists, sometimes odd spellings, unknown codes and missing fields. */
function arbCase(pool: { dx: string[]; px: string[] }): fc.Arbitrary<GroupInput> {
  const spelling = (code: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 8, arbitrary: code }, { weight: 1, arbitrary: code.map((c) => ` ${c.toLowerCase()} `) }, { weight: 1, arbitrary: fc.constantFrom('', 'X00.999', '99.9999x9') });
  const maybe = (a: fc.Arbitrary<number>) => fc.option(a, { nil: null, freq: 6 });
  return fc.record({
    id: fc.constant('r'),
    sex: fc.option(fc.constantFrom(1, 2, 1, 2, 9, 0), { nil: null, freq: 15 }),
    age: maybe(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 100 }), fc.constant(-1))),
    age_days: maybe(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 400, max: 36000 }))),
    birth_weight: maybe(fc.oneof(fc.integer({ min: 400, max: 5000 }), fc.constantFrom(0, 1499, 1500, 1999, 2000, 2499, 2500))),
    los: maybe(fc.integer({ min: -1, max: 90 })),
    discharge: maybe(fc.constantFrom(1, 2, 3, 4, 5, 9)),
    diagnoses: fc.array(spelling(fc.constantFrom(...pool.dx)), { minLength: 0, maxLength: 7 }),
    procedures: fc.array(spelling(fc.constantFrom(...pool.px)), { minLength: 0, maxLength: 4 }),
  });
}

const agree = (s: ReturnType<typeof scheme>, ref: ReturnType<typeof referenceGrouper>, c: GroupInput) => {
  const g = groupCase(s, c);
  const r = ref(c);
  return { engine: [g.status, g.mdc, g.adrg, g.drg], reference: [r.status, r.mdc, r.adrg, r.drg] };
};

/** Put a case into the scheme's context as a bulk reader does (codes looked up one by one, empty items skipped). */
function prepare(s: CompiledScheme, c: GroupInput): void {
  const px = c.procedures ?? [];
  s.ctx.reset(c.diagnoses.length, px.length);
  s.ctx.setNumbers(c);
  for (const [codes, table, field] of [[c.diagnoses, s.dx, 'diagnoses'], [px, s.px, 'procedures']] as const) {
    for (const code of codes) if (code.trim() !== '') addCode(s.ctx, table, undefined, table.lookup(code), code, field);
  }
}

describe.each(['chs-drg-1.1', 'qingdao-2023', 'chs-drg-1.0', 'chs-drg-2.0', MINI, MINI2])('compiled engine = reference evaluator: %s', (name) => {
  const fixture = name === MINI || name === MINI2;
  if (!fixture) requireShared();
  const pkg = readPackage(fixture ? name : resolveSchemeDir(name));
  const ref = referenceGrouper(pkg);
  const s = scheme(name);

  it('on random cases built from the scheme lists', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(arbCase(pools(pkg)), (c) => {
        const { engine, reference } = agree(s, ref, c);
        expect(engine).toEqual(reference);
        seen.set(String(engine[0]), (seen.get(String(engine[0])) ?? 0) + 1);
      }),
      { numRuns: fixture ? 3000 : 1500, seed: 20261122 },
    );
    // The generator must reach every outcome, or the comparison proves little.
    expect(seen.get('grouped')).toBeGreaterThan(100);
    expect(seen.get('ungroupable')).toBeGreaterThan(30);
    expect(seen.get('invalid')).toBeGreaterThan(30);
    if (name === 'chs-drg-2.0' || name === MINI2) expect(seen.get('ambiguous')).toBeGreaterThan(30);
  });

  it('a result slot reused case after case holds what a fresh result would', () => {
    // Bulk readers pass one slot to groupPrepared for every case; nothing of the previous case may stay in it.
    const slot = resultSlot();
    fc.assert(
      fc.property(arbCase(pools(pkg)), arbCase(pools(pkg)), (a, b) => {
        for (const c of [a, b]) {
          const fresh = groupCase(s, c);
          prepare(s, c);
          expect(groupPrepared(s, s.ctx, c.id ?? '', false, slot)).toEqual(fresh);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  if (!fixture) {
    it('on the reference cases', () => {
      const file = name === 'chs-drg-1.0' ? 'chs-drg-1.1-public-2k.csv' : `${name}-public-2k.csv`;
      for (const row of validationRows(file)) {
        const { engine, reference } = agree(s, ref, toInput(row));
        expect(engine, row.id).toEqual(reference);
      }
    });
  }
});
