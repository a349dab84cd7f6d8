/**
 * The registry of predicate kinds. The compiler looks kinds up here by their
 * JSON key; a kind not listed here, or not allowed under the package's
 * semantics, is a load error.
 */
import { and } from './and.js';
import { cmp } from './cmp.js';
import { hasCc, hasMcc } from './complication.js';
import { anyDxIn, mainDxIn, otherDxIn } from './dx-in.js';
import { hasMainPx, hasPx } from './has-px.js';
import { mdczMultiTrauma } from './multi-trauma.js';
import { nonempty } from './nonempty.js';
import { not } from './not.js';
import { notNull } from './not-null.js';
import { or } from './or.js';
import { anyPxIn, mainPxIn, otherPxIn } from './px-in.js';
import { pxGroupPresent } from './px-group.js';
import { always } from './true.js';
import type { PredicateKind } from './types.js';

export const PREDICATE_KINDS: readonly PredicateKind<never>[] = [
  and,
  or,
  not,
  always,
  mainDxIn,
  anyDxIn,
  otherDxIn,
  mainPxIn,
  anyPxIn,
  otherPxIn,
  nonempty,
  notNull,
  cmp,
  pxGroupPresent,
  hasMcc,
  hasCc,
  mdczMultiTrauma,
  hasPx,
  hasMainPx,
] as unknown as readonly PredicateKind<never>[];

export const KIND_BY_NAME: ReadonlyMap<string, PredicateKind<unknown>> = new Map(
  PREDICATE_KINDS.map((k) => [k.name, k as unknown as PredicateKind<unknown>]),
);

export type { CompileScope, Explanation, ListRef, Pred, PredicateKind } from './types.js';
