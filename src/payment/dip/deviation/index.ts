/**
 * The deviation rules in the order they are tried: the first that applies
 * scores the case; none applying means a normal case (the adjusted score).
 */
import { extreme } from './extreme.js';
import { high } from './high.js';
import { low } from './low.js';
import type { DeviationRule } from './types.js';

export const DEVIATION_RULES: readonly DeviationRule[] = [extreme, high, low];

export type { DeviationKind, DeviationRule } from './types.js';
