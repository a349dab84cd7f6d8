/** The score adjustments, applied in this order (the product does not depend on it). */
import { hospitalAdjustment } from './hospital.js';
import { subtypeAdjustment } from './subtype.js';
import type { AdjustmentKind } from './types.js';

export const ADJUSTMENTS: readonly AdjustmentKind[] = [subtypeAdjustment, hospitalAdjustment];

export type { AdjustInput, Adjustment, AdjustmentKind, CompiledAdjustment } from './types.js';
