/**
 * One table per predicate kind: compiled against a tiny hand-built scope,
 * tested on cases that make it hold and fail, including missing values,
 * plus the errors a malformed predicate produces (with its JSON path).
 */
import { describe, expect, it } from 'vitest';
import { CodeTable } from '../groupers/chs-drg/codes.js';
import { CaseContext, EMPTY_SLOT } from '../groupers/chs-drg/context.js';
import type { Semantics } from '../groupers/chs-drg/format.js';
import { ListMatrix, type ListRef } from '../groupers/chs-drg/lists.js';
import { compilePredicate } from '../groupers/chs-drg/predicates/compile.js';
import { PREDICATE_KINDS } from '../groupers/chs-drg/predicates/index.js';
import { type CompileScope, DX_CC, DX_HEADER_WORDS, DX_MCC, DX_PRINCIPAL, type Pred } from '../groupers/chs-drg/predicates/types.js';

const DX = ['K35.900', 'K65.000', 'J18.900', 'E11.900', 'S06.000', 'S42.000', 'S72.000', 'I10.x05'];
const PX = ['47.0901', '54.1100', '60.2100', '60.2900', '88.0101'];

interface World {
  compile(json: unknown): Pred | undefined;
  problems: { path: string; message: string; code: string }[];
  ctx(c: Partial<Record<'sex' | 'age' | 'age_days' | 'birth_weight' | 'los' | 'discharge' | 'vent_hours', number>> & { dx?: string[]; px?: (string | null)[] }): CaseContext;
}

function world(semantics: Semantics = 'chs-drg-1', withTags = true): World {
  const dx = new CodeTable('dx');
  const px = new CodeTable('px');
  for (const c of DX) dx.define(c, '');
  for (const c of PX) px.define(c, '');
  const dxm = new ListMatrix('dx', dx.size, DX_HEADER_WORDS);
  const pxm = new ListMatrix('px', px.size, 0);
  const ids = (t: CodeTable, codes: string[]) => codes.map((c) => t.lookup(c));
  const lists: Record<string, () => ListRef> = {
    adrg_dx: dxm.register('adrg_dx', 'adrg_dx of rule T1', ids(dx, ['K35.900', 'K65.000'])),
    mdc_dx: dxm.register('mdc_dx', 'mdc_dx of MDCT', ids(dx, ['K35.900', 'S06.000', 'S42.000', 'S72.000'])),
    adrg_dx_other: dxm.register('adrg_dx_other', 'adrg_dx_other of rule T1', ids(dx, ['J18.900'])),
    adrg_px: pxm.register('adrg_px', 'adrg_px of rule T1', ids(px, ['47.0901'])),
    adrg_px2: pxm.register('adrg_px2', 'adrg_px2 of rule T1', ids(px, ['54.1100'])),
    OR_VALID: pxm.register('OR_VALID', 'OR_VALID', ids(px, ['47.0901', '54.1100', '60.2100', '60.2900'])),
  };
  dxm.build();
  pxm.build();
  // Complications: K65.000 MCC table 1, J18.900 MCC table 2, E11.900 CC table 3, I10.x05 CC table 1; K35.900 as principal → table 1.
  const set = (code: string, word: number, table: number) => (dxm.words[dx.lookup(code) * dxm.stride + word] = table);
  for (let id = 0; id < dx.size; id++) for (const w of [DX_MCC, DX_CC, DX_PRINCIPAL]) dxm.words[id * dxm.stride + w] = -1;
  set('K65.000', DX_MCC, 1);
  set('J18.900', DX_MCC, 2);
  set('E11.900', DX_CC, 3);
  set('I10.x05', DX_CC, 1);
  set('K35.900', DX_PRINCIPAL, 1);
  const regions = new Uint32Array(dx.size);
  regions[dx.lookup('S06.000')] = 1;
  regions[dx.lookup('S42.000')] = 2;
  regions[dx.lookup('S72.000')] = 4;
  const tags = new Uint8Array(px.size);
  tags[px.lookup('60.2900')] = 1;
  tags[px.lookup('60.2100')] = 2;
  tags[px.lookup('54.1100')] = 3;
  const problems: World['problems'] = [];
  const scope: CompileScope = {
    semantics,
    dx,
    px,
    complications: { dx, rows: dxm.words, stride: dxm.stride, tableLabels: ['0', '1', '2', '3'] },
    regions: () => ({ mask: regions, names: ['head', 'arm', 'leg'] }),
    list: (name) => lists[name]?.(),
    tags: withTags ? tags : undefined,
    owner: 'rule T1',
    fail: (path, message, code = 'predicate.invalid') => problems.push({ path, message, code }),
  };
  return {
    problems,
    compile: (json) => compilePredicate(json, scope),
    ctx: (c) => {
      const ctx = new CaseContext(dx, px);
      const d = c.dx ?? [];
      const p = c.px ?? [];
      ctx.reset(d.length, p.length);
      d.forEach((code, i) => {
        ctx.dx[i] = dx.lookup(code);
        ctx.dxRaw[i] = code;
      });
      p.forEach((code, i) => {
        ctx.px[i] = code === null ? EMPTY_SLOT : px.lookup(code);
        ctx.pxRaw[i] = code ?? '';
      });
      ctx.nDx = d.length;
      ctx.nPx = p.length;
      for (const k of ['sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'vent_hours'] as const) ctx[k] = c[k] ?? NaN;
      return ctx;
    },
  };
}

type Case = Parameters<World['ctx']>[0];
interface Row {
  readonly p: unknown;
  readonly c: Case;
  readonly want: boolean;
  readonly why?: string;
}

/** Each row: the predicate, the case, the expected value; `explain` must agree with `test`. */
function table(name: string, rows: readonly Row[], semantics: Semantics = 'chs-drg-1') {
  describe(name, () => {
    it.each(rows.map((r) => ({ ...r, label: `${JSON.stringify(r.p)} on ${JSON.stringify(r.c)} → ${r.want}` })))('$label', ({ p, c, want, why }) => {
      const w = world(semantics);
      const pred = w.compile(p);
      expect(w.problems).toEqual([]);
      const ctx = w.ctx(c);
      expect(pred!.test(ctx)).toBe(want);
      const e = pred!.explain(ctx);
      expect(e.ok).toBe(want);
      if (why !== undefined) expect(e.says).toContain(why);
    });
  });
}

table('and / or / not / true', [
  { p: { true: true }, c: {}, want: true, why: 'always' },
  { p: { and: [{ true: true }, { cmp: ['age', '>', 10] }] }, c: { age: 40 }, want: true },
  { p: { and: [{ true: true }, { cmp: ['age', '>', 10] }] }, c: { age: 4 }, want: false },
  { p: { and: [{ cmp: ['age', '>', 1] }, { cmp: ['age', '>', 2] }, { cmp: ['age', '>', 3] }, { cmp: ['age', '>', 4] }] }, c: { age: 4 }, want: false },
  { p: { or: [{ cmp: ['age', '<', 10] }, { cmp: ['age', '>', 60] }] }, c: { age: 70 }, want: true },
  { p: { or: [{ cmp: ['age', '<', 10] }, { cmp: ['age', '>', 60] }] }, c: { age: 30 }, want: false, why: 'none' },
  { p: { or: [{ cmp: ['age', '<', 10] }, { cmp: ['age', '<', 20] }, { cmp: ['age', '>', 60] }] }, c: { age: 15 }, want: true },
  { p: { not: { cmp: ['sex', '==', 2] } }, c: { sex: 1 }, want: true },
  { p: { not: { cmp: ['sex', '==', 2] } }, c: { sex: 2 }, want: false },
  { p: { not: { cmp: ['sex', '==', 2] } }, c: {}, want: true },
]);

table('main_dx_in / any_dx_in', [
  { p: { main_dx_in: 'adrg_dx' }, c: { dx: ['K35.900', 'J18.900'] }, want: true, why: 'K35.900' },
  { p: { main_dx_in: 'adrg_dx' }, c: { dx: ['J18.900', 'K35.900'] }, want: false, why: 'is not in adrg_dx' },
  { p: { main_dx_in: 'adrg_dx' }, c: { dx: [] }, want: false, why: 'no principal' },
  { p: { main_dx_in: 'adrg_dx' }, c: { dx: ['X99.999'] }, want: false, why: 'not in the scheme' },
  { p: { any_dx_in: 'adrg_dx' }, c: { dx: ['J18.900', 'K65.000'] }, want: true, why: 'diagnosis 2' },
  { p: { any_dx_in: 'adrg_dx' }, c: { dx: ['J18.900'] }, want: false },
  { p: { any_dx_in: 'mdc_dx' }, c: { dx: ['J18.900', 'S06.000'] }, want: true },
]);

table(
  'other_dx_in (2.0)',
  [
    { p: { other_dx_in: 'adrg_dx_other' }, c: { dx: ['K35.900', 'J18.900'] }, want: true },
    { p: { other_dx_in: 'adrg_dx_other' }, c: { dx: ['J18.900', 'K35.900'] }, want: false, why: 'secondary' },
    { p: { other_dx_in: 'adrg_dx_other' }, c: { dx: ['J18.900'] }, want: false, why: 'no secondary' },
  ],
  'chs-drg-2.0',
);

table('main_px_in / any_px_in', [
  { p: { main_px_in: 'adrg_px' }, c: { px: ['47.0901'] }, want: true },
  { p: { main_px_in: 'adrg_px' }, c: { px: ['54.1100', '47.0901'] }, want: false },
  { p: { main_px_in: 'adrg_px' }, c: { px: [] }, want: false, why: 'no principal' },
  { p: { main_px_in: 'OR_VALID' }, c: { px: ['60.2100'] }, want: true },
  { p: { main_px_in: 'OR_VALID' }, c: { px: ['88.0101'] }, want: false },
  { p: { any_px_in: 'adrg_px2' }, c: { px: ['47.0901', '54.1100'] }, want: true, why: 'procedure 2' },
  { p: { any_px_in: 'adrg_px2' }, c: { px: ['47.0901'] }, want: false },
]);

table(
  'other_px_in, has_px, has_main_px (2.0), with an emptied principal slot',
  [
    { p: { other_px_in: 'adrg_px2' }, c: { px: ['47.0901', '54.1100'] }, want: true },
    { p: { other_px_in: 'adrg_px2' }, c: { px: ['54.1100'] }, want: false },
    { p: { main_px_in: 'adrg_px' }, c: { px: [null, '47.0901'] }, want: false },
    { p: { any_px_in: 'adrg_px' }, c: { px: [null, '47.0901'] }, want: true },
    { p: { has_px: true }, c: { px: [null, '47.0901'] }, want: true },
    { p: { has_px: true }, c: { px: [null] }, want: false, why: 'no procedure' },
    { p: { has_px: true }, c: { px: [] }, want: false },
    { p: { has_main_px: true }, c: { px: ['47.0901'] }, want: true },
    { p: { has_main_px: true }, c: { px: [null, '47.0901'] }, want: false, why: 'emptied' },
    { p: { has_main_px: true }, c: { px: [] }, want: false },
  ],
  'chs-drg-2.0',
);

table('nonempty / not_null', [
  { p: { nonempty: 'procedures' }, c: { px: ['88.0101'] }, want: true },
  { p: { nonempty: 'procedures' }, c: { px: [] }, want: false, why: 'empty' },
  { p: { nonempty: 'diagnoses' }, c: { dx: ['K35.900'] }, want: true },
  { p: { nonempty: 'birth_weight' }, c: { birth_weight: 1200 }, want: true },
  { p: { nonempty: 'birth_weight' }, c: { birth_weight: 0 }, want: false, why: 'empty or zero' },
  { p: { nonempty: 'birth_weight' }, c: {}, want: false, why: 'missing' },
  { p: { not_null: 'age_days' }, c: { age_days: 0 }, want: true },
  { p: { not_null: 'age_days' }, c: {}, want: false, why: 'missing' },
  { p: { not_null: 'procedures' }, c: { px: [] }, want: false },
]);

table('cmp', [
  { p: { cmp: ['age', '<', 18] }, c: { age: 17 }, want: true },
  { p: { cmp: ['age', '<', 18] }, c: { age: 18 }, want: false },
  { p: { cmp: ['age', '<=', 18] }, c: { age: 18 }, want: true },
  { p: { cmp: ['age', '>', 65] }, c: { age: 66 }, want: true },
  { p: { cmp: ['age', '>=', 65] }, c: { age: 64 }, want: false },
  { p: { cmp: ['sex', '==', 1] }, c: { sex: 1 }, want: true },
  { p: { cmp: ['sex', '!=', 1] }, c: { sex: 2 }, want: true },
  { p: { cmp: ['sex', '!=', 1] }, c: {}, want: false, why: 'missing' },
  { p: { cmp: ['sex', '==', 1] }, c: {}, want: false },
  { p: { cmp: ['age_days', '<=', 28] }, c: { age_days: 28 }, want: true },
  { p: { cmp: ['birth_weight', '<', 1500] }, c: { birth_weight: 1499 }, want: true },
  { p: { cmp: ['los', '>', 60] }, c: { los: 61 }, want: true },
  { p: { cmp: ['discharge', '==', 5] }, c: { discharge: 5 }, want: true },
  { p: { cmp: ['vent_hours', '>=', 96] }, c: { vent_hours: 95.5 }, want: false },
  { p: { cmp: ['count(diagnoses)', '>', 1] }, c: { dx: ['K35.900', 'X00.000'] }, want: true },
  { p: { cmp: ['count(diagnoses)', '>', 1] }, c: { dx: ['K35.900'] }, want: false },
  { p: { cmp: ['count(procedures)', '==', 0] }, c: { px: [] }, want: true },
]);

table('has_mcc / has_cc (exclusion tables)', [
  { p: { has_mcc: true }, c: { dx: ['J18.900', 'K65.000'] }, want: true, why: 'secondary diagnosis 2' },
  { p: { has_mcc: true }, c: { dx: ['K35.900', 'K65.000'] }, want: false, why: 'no MCC' },
  { p: { has_mcc: true }, c: { dx: ['K35.900', 'K65.000', 'J18.900'] }, want: true },
  { p: { has_mcc: true }, c: { dx: ['K65.000'] }, want: false, why: 'no secondary' },
  { p: { has_cc: true }, c: { dx: ['K35.900', 'E11.900'] }, want: true },
  { p: { has_cc: true }, c: { dx: ['K35.900', 'I10.x05'] }, want: false },
  { p: { has_cc: true }, c: { dx: ['K35.900', 'J18.900'] }, want: false },
  { p: { has_cc: true }, c: { dx: ['X00.000', 'I10.x05'] }, want: true },
]);

table('px_group_present', [
  { p: { px_group_present: '1' }, c: { px: ['47.0901', '60.2900'] }, want: true, why: 'tag 1' },
  { p: { px_group_present: '2' }, c: { px: ['60.2900'] }, want: false },
  { p: { px_group_present: 3 }, c: { px: ['54.1100'] }, want: true },
]);

table('mdcz_multi_trauma', [
  { p: { mdcz_multi_trauma: 'mdc_dx' }, c: { dx: ['S06.000', 'S42.000'] }, want: true, why: '2 body regions' },
  { p: { mdcz_multi_trauma: 'mdc_dx' }, c: { dx: ['S06.000', 'S06.000'] }, want: false, why: 'at least 2' },
  { p: { mdcz_multi_trauma: 'mdc_dx' }, c: { dx: ['K35.900'] }, want: false, why: 'no diagnosis has' },
  { p: { mdcz_multi_trauma: 'mdc_dx' }, c: { dx: ['K35.900', 'S72.000', 'S06.000'] }, want: true },
]);

describe('every registered kind has a table above', () => {
  it('lists the kinds', () => {
    expect(PREDICATE_KINDS.map((k) => k.name).sort()).toEqual(
      ['and', 'any_dx_in', 'any_px_in', 'cmp', 'has_cc', 'has_main_px', 'has_mcc', 'has_px', 'main_dx_in', 'main_px_in', 'mdcz_multi_trauma', 'nonempty', 'not', 'not_null', 'or', 'other_dx_in', 'other_px_in', 'px_group_present', 'true'].sort(),
    );
  });
});

describe('malformed predicates are reported with their JSON path', () => {
  const cases: { p: unknown; path: string; message: string; code: string; semantics?: Semantics; tags?: boolean }[] = [
    { p: { main_dx_inn: 'adrg_dx' }, path: '$', message: 'unknown predicate "main_dx_inn"', code: 'predicate.unknown' },
    { p: { and: [{ true: true }, { foo: 1 }] }, path: '$.and[1]', message: 'unknown predicate "foo"', code: 'predicate.unknown' },
    { p: { and: [] }, path: '$.and', message: 'needs at least one predicate', code: 'predicate.argument' },
    { p: { true: true, not: { true: true } }, path: '$', message: 'exactly one key', code: 'predicate.shape' },
    { p: [{ true: true }], path: '$', message: 'expected a predicate object', code: 'predicate.shape' },
    { p: { cmp: ['age', '=<', 3] }, path: '$.cmp[1]', message: 'expected an operator', code: 'predicate.argument' },
    { p: { cmp: ['weight', '<', 3] }, path: '$.cmp[0]', message: 'expected a field name', code: 'predicate.argument' },
    { p: { or: [{ cmp: ['age', '<', '3'] }] }, path: '$.or[0].cmp[2]', message: 'expected a number', code: 'predicate.argument' },
    { p: { main_dx_in: 'adrg_dx9' }, path: '$', message: 'unknown list "adrg_dx9"', code: 'predicate.unknown-list' },
    { p: { main_dx_in: 'adrg_px' }, path: '$', message: 'holds procedures', code: 'predicate.list-system' },
    { p: { other_dx_in: 'adrg_dx' }, path: '$', message: 'not defined under chs-drg-1', code: 'predicate.semantics' },
    { p: { has_px: true }, path: '$', message: 'not defined under chs-drg-1', code: 'predicate.semantics' },
    { p: { has_mcc: 1 }, path: '$.has_mcc', message: 'expected true', code: 'predicate.argument' },
    { p: { px_group_present: '1' }, path: '$', message: 'needs a rule whose procedure list carries proc_group tags', code: 'predicate.no-tags', tags: false },
    { p: { mdcz_multi_trauma: 'adrg_dx' }, path: '$.mdcz_multi_trauma', message: 'expected "mdc_dx" or true', code: 'predicate.argument' },
  ];
  it.each(cases)('$path: $message', ({ p, path, message, code, semantics, tags }) => {
    const w = world(semantics ?? 'chs-drg-1', tags ?? true);
    expect(w.compile(p)).toBeUndefined();
    expect(w.problems).toHaveLength(1);
    expect(w.problems[0]).toMatchObject({ path, code });
    expect(w.problems[0]!.message).toContain(message);
  });
});
