/**
 * DIP matching (domain.md §5): all of main diagnosis + main procedure +
 * related → that group; else most related matched; else main diagnosis +
 * main procedure; ties by the closest mean cost; else conservative (no key
 * procedure), comprehensive, ungrouped — checked case by case, against a
 * plain reference evaluator on random cases, and in the what-if.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupDipCase, loadDirectorySync } from '../groupers/dip/index.js';
import { readDirectory } from '../groupers/dip/load.js';
import { referenceMatch } from '../groupers/dip/reference.js';
import { reachableGroups } from '../groupers/dip/whatif.js';
import { DIP_MINI, dipCase, dipCopy, dipMini } from './dip-helpers.js';

const d = dipMini();
const group = (over: Parameters<typeof dipCase>[0]) => groupDipCase(d, dipCase(over));

describe('DIP matching', () => {
  it('all related procedures matched wins over fewer', () => {
    const r = group({ procedures: ['47.0100', '54.5100', '54.5901'] });
    expect([r.status, r.groupCode, r.match, r.relatedMatched, r.relatedTotal]).toEqual(['grouped', 'K35.8-S02', 'full', 2, 2]);
  });

  it('a group whose related procedures are all matched (none) beats one with some matched', () => {
    const r = group({ procedures: ['47.0100', '54.5100'] });
    expect([r.groupCode, r.match]).toEqual(['K35.8-S01', 'full']);
  });

  describe('without a full match', () => {
    const rules = loadDirectorySync(
      dipCopy({
        'directory.csv': [
          'group_code,name,kind,dx_key,main_procedures,related_procedures,procedure_type,score,mean_cost,cases',
          'K35.8-A,,core-surgical,K35.8,47.0100,54.5100+54.5901+54.5902,,300,30000.00,20',
          'K35.8-B,,core-surgical,K35.8,47.0100,54.5100+54.6100,,280,28000.00,20',
          '',
        ].join('\n'),
        'subtypes.csv': 'group_code,subtype,cases,mean_cost,coefficient\n',
      }),
    );
    const at = (procedures: string[], cost = 2_900_000) => {
      const r = groupDipCase(rules, dipCase({ procedures, total_cost: cost }));
      return [r.groupCode, r.match, r.relatedMatched];
    };
    it('takes the group with the most related procedures matched', () => {
      expect(at(['47.0100', '54.5100', '54.5901'])).toEqual(['K35.8-A', 'related', 2]);
      expect(at(['47.0100', '54.6100'])).toEqual(['K35.8-B', 'related', 1]);
    });
    it('a full match still comes first', () => {
      expect(at(['47.0100', '54.5100', '54.6100', '54.5901'])).toEqual(['K35.8-B', 'full', 2]);
    });
    it('else main diagnosis and main procedure, ties by the closest mean cost', () => {
      expect(at(['47.0100'], 2_900_000)).toEqual(['K35.8-A', 'main', 0]);
      expect(at(['47.0100'], 2_850_000)).toEqual(['K35.8-B', 'main', 0]);
    });
  });

  it('lists the groups a case qualifies for, with how', () => {
    const r = reachableGroups(d, dipCase({ procedures: ['47.0100'] }));
    expect(r.map((x) => [x.group.code, x.match, x.chosen])).toEqual([
      ['K35.8-S01', 'full', true],
      ['K35.8-S02', 'main', false],
      ['K35-ZS', 'comprehensive', false],
    ]);
  });

  it('breaks ties by the closest mean cost, then by directory order', () => {
    // K80.1-S01 (mean 30,000) and K80.1-S02 (mean 32,000) both match fully.
    const at = (cost: number | null) => groupDipCase(d, dipCase({ diagnoses: ['K80.100'], procedures: ['51.2300', '51.2200'], total_cost: cost })).groupCode;
    expect(at(3_000_000)).toBe('K80.1-S01');
    expect(at(3_150_000)).toBe('K80.1-S02');
    expect(at(3_100_000)).toBe('K80.1-S01'); // equally close: directory order
    expect(at(null)).toBe('K80.1-S01');
  });

  it('a case without a key procedure goes to the conservative group, even with other procedures', () => {
    expect(group({ procedures: [] }).groupCode).toBe('K35.8-C');
    expect(group({ procedures: ['87.4400', '99.0400'] }).groupCode).toBe('K35.8-C');
    expect(group({ procedures: [] }).match).toBe('conservative');
  });

  it('a key procedure no core group names sends the case to the comprehensive group of its type', () => {
    const r = group({ procedures: ['99.0400', '51.2300'] });
    expect([r.groupCode, r.match, r.procedureType]).toEqual(['K35-ZS', 'comprehensive', 'surgery']);
    // No subcategory group at all: comprehensive by category and type.
    expect(groupDipCase(d, dipCase({ diagnoses: ['K35.100'], procedures: [] })).groupCode).toBe('K35-ZM');
    expect(groupDipCase(d, dipCase({ diagnoses: ['K35.100'], procedures: ['99.0400'] })).groupCode).toBe('K35-ZT');
    // An untyped code takes the default type (therapeutic).
    expect(groupDipCase(d, dipCase({ diagnoses: ['K35.100'], procedures: ['88.0100'] })).groupCode).toBe('K35-ZT');
  });

  it('primary-care groups match like core groups', () => {
    const r = groupDipCase(d, dipCase({ diagnoses: ['j18.900'] }));
    expect([r.groupCode, r.kind, r.match]).toEqual(['J18.9-P', 'primary-care', 'conservative']);
  });

  it('ungrouped and invalid cases carry a reason', () => {
    const u = groupDipCase(d, dipCase({ diagnoses: ['K35.100'], procedures: ['87.4400'] }));
    expect([u.status, u.reasons.map((n) => n.code)]).toEqual(['ungrouped', ['dip.no_group']]);
    expect(groupDipCase(d, dipCase({ diagnoses: [] })).reasons.map((n) => n.code)).toEqual(['diagnoses.empty']);
    expect(groupDipCase(d, dipCase({ diagnoses: ['  ', '123'] })).reasons.map((n) => n.code)).toEqual(['diagnoses.principal_not_icd10']);
  });

  it('matches codes case-insensitively and ignores the order of procedures', () => {
    expect(group({ diagnoses: ['k35.800x001'], procedures: ['54.5901', '54.5100', '47.0100'] }).groupCode).toBe('K35.8-S02');
  });

  it('explains its choice in a trace', () => {
    const r = groupDipCase(d, dipCase({ diagnoses: ['K80.100'], procedures: ['51.2300', '51.2200'], total_cost: 3_150_000 }), { trace: true });
    expect(r.trace).toEqual([
      'principal diagnosis K80.100 → subcategory K80.1, category K80',
      'procedures: 51.2300 (surgery), 51.2200 (surgery) → case type surgery',
      'core groups with procedures for K80.1: 2',
      '  K80.1-S01 [51.2300]: main procedure ✓, related 0 of 0 → all related procedures matched',
      '  K80.1-S02 [51.2200]: main procedure ✓, related 0 of 0 → all related procedures matched',
      'chosen: K80.1-S02 (all related procedures matched; tie decided by the closest mean cost)',
    ]);
    expect(groupDipCase(d, dipCase({ procedures: ['51.2300'] }), { trace: true }).trace!.slice(-2)).toEqual([
      'conservative group K35.8-C not used: the case has a key procedure (surgery) that no core group of K35.8 names',
      'comprehensive group for K35 + surgery: K35-ZS',
    ]);
  });

  it('agrees with the reference evaluator on random cases', () => {
    const pkg = readDirectory(DIP_MINI);
    const dx = fc.constantFrom('K35.800x001', 'K35.800', 'k35.8', 'K35.100', 'K35', 'K80.100', 'K80.1', 'J18.900', 'J96.000', 'I10.x05', 'A00.000', '');
    const px = fc.constantFrom('47.0100', '47.0900', '54.5100', '54.5901', '51.2300', '51.2200', '87.4400', '99.0400', '88.0100', '47.01');
    fc.assert(
      fc.property(fc.array(dx, { minLength: 0, maxLength: 3 }), fc.array(px, { maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 5_000_000 })), (diagnoses, procedures, cost) => {
        const r = groupDipCase(d, { diagnoses, procedures, total_cost: cost });
        const ref = referenceMatch(pkg, diagnoses, procedures, cost);
        expect([r.status === 'grouped' ? r.groupCode : null, r.match]).toEqual([ref.group, ref.match]);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('DIP reachable groups', () => {
  it('lists every group per principal diagnosis, the chosen one first', () => {
    const r = reachableGroups(d, dipCase({ diagnoses: ['K35.800x001', 'K80.100'], procedures: ['47.0100', '54.5100', '51.2300'] }));
    expect(r.map((x) => [x.position, x.group.code, x.match, x.chosen])).toEqual([
      [1, 'K35.8-S01', 'full', true],
      [1, 'K35.8-S02', 'related', false],
      [1, 'K35-ZS', 'comprehensive', false],
      [2, 'K80.1-S01', 'full', true],
    ]);
  });
});

describe('packed main procedure sets', () => {
  it('list, per subcategory, the candidates of withProcedures with their main sets', () => {
    d.withProcedures.forEach((candidates, k) => {
      const unpacked: { group: number; main: number[][] }[] = [];
      for (let o = d.mainAt[k]!; o < d.mainAt[k + 1]!; ) {
        const group = d.mainSets[o]!;
        const terms = d.mainSets[o + 1]!;
        o += 2;
        const main: number[][] = [];
        for (let t = 0; t < terms; t++) {
          main.push([...d.mainSets.subarray(o + 1, o + 1 + d.mainSets[o]!)]);
          o += 1 + d.mainSets[o]!;
        }
        unpacked.push({ group, main });
      }
      expect(unpacked).toEqual([...candidates].map((g) => ({ group: g, main: d.groups[g]!.main.map((t) => [...t]) })));
    });
    expect(d.mainAt[d.withProcedures.length]).toBe(d.mainSets.length);
  });
});
