/**
 * DIP directories: the format is validated with zod and every problem names
 * the file, line and column (or JSON path); problems across rows and files
 * are found at compile time.
 */
import { describe, expect, it } from 'vitest';
import { DataError, type DataIssue } from '../src/errors.js';
import { loadDirectorySync } from '../groupers/dip/index.js';
import { parseProcedureSet } from '../groupers/dip/expr.js';
import { dipCopy, dipMini } from './dip-helpers.js';

function issues(dir: string): DataIssue[] {
  try {
    loadDirectorySync(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(DataError);
    return [...(err as DataError).issues];
  }
  throw new Error('expected the directory to be rejected');
}

const HEADER = 'group_code,name,kind,dx_key,main_procedures,related_procedures,procedure_type,score,mean_cost,cases';
const withRows = (...rows: string[]) => ({ 'directory.csv': `${HEADER}\n${rows.join('\n')}\n` });
const GOOD = 'K35.8-S01,阑尾切除,core-surgical,K35.8,47.0100,,,200.00,20000.00,120';

describe('DIP directory loading', () => {
  it('loads the mini directory into look-up structures', () => {
    const d = dipMini();
    expect(d.groups.map((g) => g.code)).toContain('K35.8-S02');
    expect(d.byCode.get('K35.8-S02')!.main.length).toBe(1);
    expect(d.byCode.get('K35.8-S02')!.related.length).toBe(2);
    expect(d.byCode.get('K35.8-S02')!.mainText).toBe('47.0100/47.0900');
    expect(d.pointValue.toFixed()).toBe('100');
    expect(d.deviation.low.toFixed()).toBe('0.5');
    expect(d.subtypes.map((s) => s.code)).toEqual(['age:65+', 'death', 'severity:severe', 'icu:2-7', 'icu:8+']);
    expect(d.hospitalCoefficients.get(2)!.toFixed()).toBe('0.9');
  });

  it('rejects a bad group code pattern with file, line and column', () => {
    const list = issues(dipCopy(withRows(GOOD, 'k35 s02,x,core-surgical,K35.8,47.0900,,,190,19000,40')));
    expect(list).toEqual([expect.objectContaining({ code: 'cell.invalid', line: 3, column: 'group_code', value: 'k35 s02' })]);
    expect(list[0]!.file).toMatch(/dip-mini-\w+\/directory\.csv$/);
    expect(list[0]!.message).toMatch(/not a group code/);
  });

  it('rejects an unknown kind', () => {
    const list = issues(dipCopy(withRows(GOOD, 'K35.8-X,x,core-medical,K35.8,,,,80,8000,10')));
    expect(list).toEqual([expect.objectContaining({ line: 3, column: 'kind', value: 'core-medical' })]);
    expect(list[0]!.message).toMatch(/unknown kind: expected one of core-surgical, core-conservative, comprehensive, primary-care/);
  });

  it('rejects a duplicate group code, naming the first line', () => {
    const list = issues(dipCopy(withRows(GOOD, 'K35.8-S01,again,core-surgical,K35.8,47.0900,,,190,19000,40')));
    expect(list).toEqual([expect.objectContaining({ code: 'group.duplicate', line: 3, column: 'group_code', value: 'K35.8-S01' })]);
    expect(list[0]!.message).toMatch(/defined twice \(first on line 2\)/);
  });

  it('rejects a negative score', () => {
    const list = issues(dipCopy(withRows(GOOD, 'K35.8-S02,x,core-surgical,K35.8,47.0900,,,-190.00,19000,40')));
    expect(list).toEqual([expect.objectContaining({ code: 'cell.invalid', line: 3, column: 'score', value: '-190.00' })]);
    expect(list[0]!.message).toMatch(/non-negative number/);
  });

  it('reports every bad row at once', () => {
    const list = issues(
      dipCopy(
        withRows(
          GOOD,
          'K35.8-S02,x,core-surgical,K35,47.0900,,,190,19000,40',
          'K35-ZS,x,comprehensive,K35.8,,,surgery,190,19000,40',
          'K35-ZT,x,comprehensive,K35,,,,190,19000,40',
          'K35.8-S03,x,core-surgical,K35.8,47.09++00,,,190,19000,40',
          'K35.8-S04,x,core-surgical,K35.8,47.0900,,,190,-5.00,40',
          'K35.8-C,x,core-conservative,K35.8,47.0900,,,80,8000,40',
        ),
      ),
    );
    expect(list.map((i) => [i.line, i.column])).toEqual([
      [3, 'dx_key'],
      [4, 'dx_key'],
      [5, 'procedure_type'],
      [6, 'main_procedures'],
      [7, 'mean_cost'],
      [8, 'main_procedures'],
    ]);
  });

  it('rejects two groups one case could not choose between', () => {
    const list = issues(dipCopy(withRows(GOOD, 'K35.8-S09,x,core-surgical,K35.8,47.0100,,,210,21000,20')));
    expect(list).toEqual([expect.objectContaining({ code: 'group.same-definition', line: 3, column: 'dx_key' })]);
    expect(list[0]!.message).toMatch(/same diagnosis key and procedures as K35\.8-S01 \(line 2\)/);
  });

  it('names the JSON path of a bad parameter, and unknown keys', () => {
    const list = issues(dipCopy({ 'dip.json': (t) => t.replace('"low": "0.5"', '"low": "-1"').replace('"multiplier": 1000,', '"multiplier": 1000, "multipler": 100,') }));
    expect(list.map((i) => i.path)).toEqual(expect.arrayContaining(['$.deviation.low', '$']));
    expect(list.every((i) => i.file!.endsWith('dip.json'))).toBe(true);
  });

  it('checks the order of the deviation thresholds', () => {
    const list = issues(dipCopy({ 'dip.json': (t) => t.replace('"high": "2"', '"high": "0.8"') }));
    expect(list).toEqual([expect.objectContaining({ path: '$.deviation', message: expect.stringMatching(/low ≤ 1 ≤ high ≤ extreme/) })]);
  });

  it('checks subtypes.csv against dip.json and directory.csv', () => {
    const list = issues(dipCopy({ 'subtypes.csv': (t) => `${t}K35.8-S01,age:0-6,5,1.00,0.5\nK99.9-S01,death,5,1.00,2\n` }));
    expect(list).toEqual([
      expect.objectContaining({ code: 'subtype.unknown', line: 6, column: 'subtype' }),
      expect.objectContaining({ code: 'subtype.group-unknown', line: 7, column: 'group_code' }),
    ]);
  });

  it('rejects conflicting procedure types', () => {
    const list = issues(dipCopy({ 'procedure_types.csv': (t) => `${t}47.0100,diagnostic\n` }));
    expect(list).toEqual([expect.objectContaining({ code: 'procedure.type-conflict', line: 10, column: 'type' })]);
  });

  it('says what is wrong with a folder that is not a directory', () => {
    expect(issues('/nonexistent/dip')[0]!.message).toMatch(/cannot be read/);
    const list = issues(dipCopy({ 'dip.json': '{ not json' }));
    expect(list[0]!.code).toBe('json.syntax');
  });
});

describe('procedure sets', () => {
  it('reads + as all-of and / as any-of', () => {
    expect(parseProcedureSet('47.0100/47.0900+54.5100')).toEqual([['47.0100', '47.0900'], ['54.5100']]);
    expect(parseProcedureSet(' ')).toEqual([]);
    expect(parseProcedureSet('47.0100+')).toMatch(/empty code/);
    expect(parseProcedureSet('K35.8')).toMatch(/not a procedure code/);
  });
});
