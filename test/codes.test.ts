/**
 * The interned code table: case-insensitive look-ups that keep the canonical
 * spelling, look-ups inside a longer text, codes that cannot live in a slot
 * (longer than 24 characters, not ASCII), and agreement with a plain Map on
 * random spellings.
 */
import { describe, expect, it } from 'vitest';
import { CodeTable, NO_CODE } from '../groupers/chs-drg/codes.js';
import { Random } from '../src/synth/random.js';

function table(codes: readonly string[]): CodeTable {
  const t = new CodeTable('dx');
  for (const c of codes) t.define(c, `name of ${c}`);
  t.freeze();
  return t;
}

describe('CodeTable', () => {
  const long = 'Z99.8000x001-LOCAL-EXTENSION-42'; // 31 characters: beyond a slot
  const wide = 'Ｋ35.800'; // a full-width letter: not ASCII
  const t = table(['I10.x05', 'K35.800x001', '96.0800x005', 'A', long, wide]);

  it('finds codes in any letter case and keeps the dictionary spelling', () => {
    for (const spelled of ['I10.x05', 'i10.X05', 'I10.X05', 'i10.x05']) {
      const id = t.lookup(spelled);
      expect(id).not.toBe(NO_CODE);
      expect(t.codes[id]).toBe('I10.x05');
    }
    expect(t.codes[t.lookup('k35.800X001')]).toBe('K35.800x001');
    expect(t.codes[t.lookup('a')]).toBe('A');
  });

  it('misses codes that differ in one character, in length, or are empty', () => {
    for (const miss of ['I10.x06', 'I10.x0', 'I10.x055', 'K35.800x00l', '', 'B']) expect(t.lookup(miss)).toBe(NO_CODE);
  });

  it('looks a code up inside a longer text without making a string', () => {
    const line = 'C1,1,54,,,3,1,k35.800x001|i10.x05,96.0800X005';
    const at = (code: string) => line.toLowerCase().indexOf(code.toLowerCase());
    for (const code of ['K35.800x001', 'I10.x05', '96.0800x005']) {
      const a = at(code);
      expect(t.codes[t.lookupRange(line, a, a + code.length)]).toBe(code);
    }
    expect(t.lookupRange(line, at('K35.800x001'), at('K35.800x001') + 7)).toBe(NO_CODE);
  });

  it('finds codes longer than a slot and non-ASCII codes through the overflow table', () => {
    expect(t.codes[t.lookup(long.toLowerCase())]).toBe(long);
    expect(t.codes[t.lookup(wide)]).toBe(wide);
    expect(t.lookup(`${long}X`)).toBe(NO_CODE);
    expect(t.lookup('Ｋ35.801')).toBe(NO_CODE);
    expect(table(['A01']).lookup(long)).toBe(NO_CODE); // no overflow codes at all
  });

  it('trims surrounding white space, Unicode spaces included', () => {
    expect(t.codes[t.lookup('  i10.x05\u3000')]).toBe('I10.x05');
  });

  it('agrees with a case-folding Map on random spellings (property)', () => {
    const rnd = new Random(7);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.x';
    const make = (): string => {
      let s = '';
      for (let i = rnd.int(1, 26); i > 0; i--) s += alphabet[rnd.int(0, alphabet.length - 1)];
      return s;
    };
    const byFolded = new Map<string, string>();
    for (let i = 0; i < 3000; i++) {
      const c = make();
      if (!byFolded.has(c.toUpperCase())) byFolded.set(c.toUpperCase(), c);
    }
    const big = table([...byFolded.values()]);
    for (let i = 0; i < 6000; i++) {
      const probe = i % 2 === 0 ? [...byFolded.values()][rnd.int(0, byFolded.size - 1)]!.toLowerCase() : make();
      const want = byFolded.get(probe.toUpperCase());
      const id = big.lookup(probe);
      if (want === undefined) expect(id).toBe(NO_CODE);
      else expect(big.codes[id]).toBe(want);
    }
  });
});
