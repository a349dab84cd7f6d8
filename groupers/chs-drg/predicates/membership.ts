/**
 * Code-list membership by position: `main_*_in` (the principal code),
 * `any_*_in` (any position, principal included) and `other_*_in` (position 2
 * onward). One factory serves diagnoses and procedures.
 */
import { z } from 'zod';
import type { CodeTable } from '../codes.js';
import type { CaseContext } from '../context.js';
import type { Semantics } from '../format.js';
import { listHas } from '../lists.js';
import { defineKind, pred, type Explanation, type ListRef, type PredicateKind } from './types.js';

export type Position = 'main' | 'any' | 'other';

const listArg = z.string().min(1, 'expected a list name');

export function membershipKind(system: 'dx' | 'px', position: Position, semantics: readonly Semantics[]): PredicateKind<string> {
  const what = system === 'dx' ? 'diagnosis' : 'procedure';
  const where = position === 'main' ? `the principal ${what}` : position === 'any' ? `some ${what} (any position)` : `some secondary ${what} (position 2 onward)`;
  return defineKind<string>({
    name: `${position}_${system}_in`,
    semantics,
    doc: `${where} is in list L`,
    arg: listArg,
    compile(name, scope, path) {
      const list = scope.list(name);
      if (list === undefined) {
        scope.fail(path, `unknown list "${name}" in ${scope.owner}`, 'predicate.unknown-list');
        return undefined;
      }
      if (list.system !== system) {
        scope.fail(path, `list "${name}" holds ${list.system === 'dx' ? 'diagnoses' : 'procedures'}, but ${position}_${system}_in tests ${what} codes`, 'predicate.list-system');
        return undefined;
      }
      const table = system === 'dx' ? scope.dx : scope.px;
      return pred(
        compileTest(system, position, list),
        (c) => explainMembership(c, system, position, list, table),
      );
    },
  });
}

// Hot path: each variant is its own closure over the code rows, so the
// per-case work is one index computation, a load, a shift and a compare per code.
function compileTest(system: 'dx' | 'px', position: Position, list: ListRef): (c: CaseContext) => boolean {
  if (list.word < 0) return () => false;
  const words = list.matrix.words;
  const stride = list.matrix.stride;
  const w = list.word;
  const b = list.bit;
  const from = position === 'other' ? 1 : 0;
  if (system === 'dx') {
    if (position === 'main') {
      return (c) => {
        if (c.nDx === 0) return false;
        const id = c.dx[0]!;
        return id >= 0 && ((words[id * stride + w]! >>> b) & 1) === 1;
      };
    }
    return (c) => {
      const ids = c.dx;
      for (let i = from, n = c.nDx; i < n; i++) {
        const id = ids[i]!;
        if (id >= 0 && ((words[id * stride + w]! >>> b) & 1) === 1) return true;
      }
      return false;
    };
  }
  if (position === 'main') {
    return (c) => {
      if (c.nPx === 0) return false;
      const id = c.px[0]!;
      return id >= 0 && ((words[id * stride + w]! >>> b) & 1) === 1;
    };
  }
  return (c) => {
    const ids = c.px;
    for (let i = from, n = c.nPx; i < n; i++) {
      const id = ids[i]!;
      if (id >= 0 && ((words[id * stride + w]! >>> b) & 1) === 1) return true;
    }
    return false;
  };
}

function explainMembership(c: CaseContext, system: 'dx' | 'px', position: Position, list: ListRef, table: CodeTable): Explanation {
  const ids = system === 'dx' ? c.dx : c.px;
  const n = system === 'dx' ? c.nDx : c.nPx;
  const what = system === 'dx' ? 'diagnosis' : 'procedure';
  const show = (i: number): string => {
    const id = ids[i]!;
    if (id === -2) return '(emptied slot)';
    if (id < 0) return `${system === 'dx' ? c.dxCode(i) : c.pxCode(i)} (not in the scheme)`;
    return table.label(id);
  };
  if (position === 'main') {
    if (n === 0) return { ok: false, says: `there is no principal ${what}, so it is not in ${list.label}` };
    const ok = listHas(list, ids[0]!);
    return { ok, says: `principal ${what} ${show(0)} ${ok ? 'is' : 'is not'} in ${list.label}` };
  }
  const from = position === 'other' ? 1 : 0;
  for (let i = from; i < n; i++) {
    if (listHas(list, ids[i]!)) return { ok: true, says: `${what} ${i + 1} ${show(i)} is in ${list.label}` };
  }
  const scope = position === 'other' ? `secondary ${what}` : what;
  const count = Math.max(0, n - from);
  return { ok: false, says: count === 0 ? `there is no ${scope}, so none is in ${list.label}` : `none of the ${count} ${scope} code${count > 1 ? 's' : ''} is in ${list.label}` };
}
