/**
 * The outlier class rules, in the order they are tried; the first that holds
 * classes the case. Adding a class is a module and one line here.
 */
import type { ClassRule, OutlierClass } from '../types.js';
import { high } from './high.js';
import { longStay } from './long-stay.js';
import { low } from './low.js';
import { normal } from './normal.js';
import { specialReview } from './special-review.js';
import { ungroupable } from './ungroupable.js';

export const CLASS_RULES: readonly ClassRule[] = [ungroupable, specialReview, longStay, high, low, normal];

/** The rules without special review: the class a flagged case falls back to when the cap refuses it. */
export const FALLBACK_RULES: readonly ClassRule[] = CLASS_RULES.filter((r) => r.name !== 'special_review');

export const ruleFor = (name: OutlierClass): ClassRule => CLASS_RULES.find((r) => r.name === name)!;
