/**
 * Golden tests: every reference case of ../shared/validation grouped under its
 * scheme must match expected_status, expected_mdc, expected_adrg and
 * expected_drg exactly.
 */
import { describe, expect, it } from 'vitest';
import { groupCase } from '../groupers/chs-drg/index.js';
import { scheme, toInput, validationRows } from './helpers.js';

const SETS = [
  ['chs-drg-1.1', 'chs-drg-1.1-public-2k.csv'],
  ['qingdao-2023', 'qingdao-2023-public-2k.csv'],
  ['chs-drg-2.0', 'chs-drg-2.0-public-2k.csv'],
] as const;

describe('golden: the reference files have the status mix their README states', () => {
  it('2.0: 1,545 grouped, 372 ambiguous, 70 ungroupable, 13 invalid', () => {
    const count = (st: string) => validationRows('chs-drg-2.0-public-2k.csv').filter((r) => r.expected_status === st).length;
    expect([count('grouped'), count('ambiguous'), count('ungroupable'), count('invalid')]).toEqual([1545, 372, 70, 13]);
  });
});

describe.each(SETS)('golden: %s', (name, file) => {
  it(`groups all 2,000 rows of ${file} exactly as expected`, () => {
    const s = scheme(name);
    const rows = validationRows(file);
    expect(rows).toHaveLength(2000);
    const mismatches: string[] = [];
    for (const r of rows) {
      const g = groupCase(s, toInput(r));
      const got = [g.status, g.mdc ?? '', g.adrg ?? '', g.drg].join(' ');
      const want = [r.expected_status, r.expected_mdc, r.expected_adrg, r.expected_drg].join(' ');
      if (got !== want) mismatches.push(`${r.id}: expected ${want}, got ${got}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('gives every invalid case a machine-readable reason, and a name to every DRG that has a split row', () => {
    const s = scheme(name);
    for (const r of validationRows(file)) {
      const g = groupCase(s, toInput(r));
      if (g.status === 'invalid') expect(g.reasons.map((n) => n.code)).toContain('sex.invalid');
      if (g.status === 'ungroupable') expect(g.reasons.length).toBeGreaterThan(0);
      if (g.status === 'ambiguous') expect(g.drg).toBe(`${g.mdc!.slice(3)}QY`);
      // A rule without split rows (Qingdao's AD1, NG1, PJ1, RA4) falls back to its code; 1.x packages name no ADRG.
      if (g.status === 'grouped' && g.drg !== g.adrg) expect(g.drgName).not.toBe('');
    }
  });

  it('numbers the DRGs 0, 1, 2, … and leaves the index of each result\'s DRG in the context (-1 when it has none)', () => {
    const s = scheme(name);
    expect([...s.drgs.values()].map((d) => d.index)).toEqual([...s.drgs.keys()].map((_, i) => i));
    const seen = new Set<string>();
    for (const r of validationRows(file)) {
      const g = groupCase(s, toInput(r));
      const want = g.status === 'grouped' || g.status === 'ambiguous' ? s.drgs.get(g.drg)!.index : -1;
      expect(s.ctx.drgIndex, `${r.id} ${g.status} ${g.drg}`).toBe(want);
      seen.add(g.status);
    }
    expect(seen.has('grouped') && seen.has('invalid')).toBe(true);
  });
});
