/**
 * Traces (explain), what-if, and the compiled scheme's memory: the package
 * rows must not stay reachable once compiled.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compileScheme } from '../groupers/chs-drg/compile.js';
import { explain, groupCase, whatIf, type TraceStep } from '../groupers/chs-drg/index.js';
import { readPackage } from '../groupers/chs-drg/load.js';
import { MINI, mini, scheme } from './helpers.js';

const s = scheme(MINI);

describe('trace', () => {
  it('is absent unless asked for', () => {
    expect(groupCase(s, mini({})).trace).toBeUndefined();
    expect(groupCase(s, mini({}), { trace: false }).trace).toBeUndefined();
  });

  it('does not change the result', () => {
    const c = mini({ diagnoses: ['K35.300', 'J18.900', 'E11.900'], procedures: ['47.0901'] });
    const { trace, ...withTrace } = groupCase(s, c, { trace: true });
    const { trace: none, ...without } = groupCase(s, c);
    expect(trace).toBeDefined();
    expect(none).toBeUndefined();
    expect(withTrace).toEqual(without);
  });

  it('records MDC entries in order, the matched rule, the split and the CC/MCC decisions', () => {
    const r = groupCase(s, mini({ diagnoses: ['K35.300', 'K65.000', 'J18.900'], procedures: ['47.0901'] }), { trace: true });
    const steps = r.trace as TraceStep[];
    const kinds = steps.map((t) => (t.kind === 'mdc' ? `mdc:${t.mdc}:${t.entered}` : t.kind === 'adrg' ? `adrg:${t.rule}:${t.matched}` : t.kind === 'split' ? `split:${t.drg}:${t.matched}` : t.kind));
    expect(kinds).toEqual([
      'input',
      'input',
      'check',
      'mdc:MDCA:true',
      'adrg:AA1:false',
      'mdc-exhausted',
      'mdc:MDCP:false',
      'mdc:MDCZ:false',
      'mdc:MDCM:false',
      'mdc:MDCG:true',
      'adrg:GD1:true',
      'split:GD11:true',
      'result',
    ]);
    const split = steps.find((t) => t.kind === 'split')!;
    const text = JSON.stringify(split);
    // K65.000 is excluded by the principal's table; J18.900 supplies the MCC.
    expect(text).toContain('secondary 2 K65.000 急性腹膜炎: MCC, excluded (its table 112 is the principal\'s table)');
    expect(text).toContain('secondary 3 J18.900 肺炎: MCC, not excluded (table 101, principal\'s table 112)');
  });

  it('explain() renders numbered lines a coder can read', () => {
    const { result, text } = explain(s, mini({ diagnoses: ['K35.900'], procedures: ['47.0901'] }));
    expect(result.drg).toBe('GD15');
    expect(text).toMatch(/^ {2}1\. diagnoses \(principal first\): K35\.900 急性阑尾炎$/m);
    expect(text).toContain('MDCA: entered');
    expect(text).toContain('ADRG AA1 does not match — principal procedure 47.0901 阑尾切除术 is not in adrg_px of rule AA1');
    expect(text).toContain('no ADRG rule of MDCA matches: continue with the next MDC');
    expect(text).toContain('MDCP: not entered — principal diagnosis K35.900 急性阑尾炎 is not in mdc_dx of MDCP');
    expect(text).toContain('ADRG GD1 (surgical) matches');
    expect(text).toContain('split GD11 (MCC): does not hold');
    expect(text).toContain('result: DRG GD15 阑尾切除术，不伴并发症或合并症 (MDCG, ADRG GD1)');
  });

  it('explains invalid and ungroupable cases', () => {
    expect(explain(s, mini({ sex: 9 })).text).toContain('patient information: failed — sex is 9: it must be 1 (male) or 2 (female)');
    const u = explain(s, mini({ diagnoses: ['N40.x00'] })).text;
    expect(u).toContain('MDCM: entered');
    expect(u).toContain('result: ungroupable (DRG 0000)');
  });

  it('explains the fallback code of a rule without splits', () => {
    expect(explain(s, mini({ procedures: ['51.2200'] })).text).toContain("no split of rule GF1 holds: the rule's fallback code GF1 is the DRG");
  });
});

describe('whatIf', () => {
  it('groups the case with each diagnosis and each procedure as principal', () => {
    const w = whatIf(s, mini({ diagnoses: ['K35.900', 'K80.100', 'J18.900'], procedures: ['47.0901', '51.2300'] }));
    expect(w.base.drg).toBe('GD11');
    expect(w.principalDiagnosis.map((a) => [a.position, a.code, a.result.drg, a.changed])).toEqual([
      [1, 'K35.900', 'GD11', false],
      [2, 'K80.100', 'HZ13', true], // 47.0901 is not a biliary procedure: HC1 fails, medical HZ1
      [3, 'J18.900', '0000', true],
    ]);
    expect(w.principalProcedure.map((a) => [a.position, a.code, a.result.drg, a.changed])).toEqual([
      [1, '47.0901', 'GD11', false],
      [2, '51.2300', 'GF1', true],
    ]);
  });

  it('keeps the other codes in their order', () => {
    const w = whatIf(s, mini({ diagnoses: ['K35.900', 'E11.900', 'K65.000'] }));
    // K65.000 as principal: K35.900 and E11.900 follow; E11.900 is a CC not excluded by K65.000 (table 116).
    expect(w.principalDiagnosis[2]!.result).toMatchObject({ drg: 'GZ13', ccDx: 'E11.900' });
  });

  it('skips empty items', () => {
    const w = whatIf(s, mini({ diagnoses: ['K35.900', ' ', 'J18.900'] }));
    expect(w.principalDiagnosis.map((a) => a.code)).toEqual(['K35.900', 'J18.900']);
  });
});

describe('memory', () => {
  it('a compiled scheme does not keep the parsed package rows alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let pkg: ReturnType<typeof readPackage> | null = readPackage(MINI);
    const rows = new WeakRef(pkg.rows);
    const compiled = compileScheme(pkg);
    pkg = null;
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 0));
      gc();
    }
    expect(compiled.mdcs.length).toBe(6);
    expect(rows.deref()).toBeUndefined();
  });
});
