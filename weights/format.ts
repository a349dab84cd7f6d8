/**
 * The weight table: one CSV file, one row per DRG (plus optional rows per
 * hospital level), defined once here as a zod row schema.
 *
 * | column    | required | meaning |
 * |-----------|----------|---------|
 * | drg       | yes      | DRG code of the scheme (e.g. `GD25`) |
 * | rw        | yes      | relative weight, a decimal > 0 (e.g. `0.8123`) |
 * | level     | no       | empty: the DRG's default row; 1–9: values for hospitals of that level (empty cells fall back to the default row) |
 * | name      | no       | DRG name (informational) |
 * | mean_cost | no       | regional mean cost of the group, yuan (outlier reference under `reference: "mean_cost"`) |
 * | mean_los  | no       | regional mean length of stay, days |
 * | points    | no       | base points when they are not RW × points per RW |
 * | n, sd, cv, flags | no | statistics written by `drg weights` (informational) |
 *
 * `drg weights` writes this format, so a computed table can be priced with directly.
 */
import { z } from 'zod';
import { cellLevel, cellOptionalDecimal, cellOptionalYuan, cellPositiveDecimal } from './cells.js';

export const weightRowSchema = z.object({
  drg: z.string().regex(/^[A-Z0-9]{2,8}$/i, 'expected a DRG code such as GD25'),
  rw: cellPositiveDecimal,
  level: cellLevel.optional(),
  name: z.string().optional(),
  mean_cost: cellOptionalYuan.optional(),
  mean_los: cellOptionalDecimal.optional(),
  points: cellOptionalDecimal.refine((d) => d === null || d.greaterThan(0), 'must be greater than 0').optional(),
  n: z.string().regex(/^\d*$/, 'expected a whole number of cases').optional(),
  sd: z.string().optional(),
  cv: z.string().optional(),
  flags: z.string().optional(),
});

export type WeightRow = z.output<typeof weightRowSchema>;

/** Columns `drg weights` writes, in order. */
export const WEIGHT_COLUMNS = ['drg', 'name', 'rw', 'mean_cost', 'mean_los', 'n', 'sd', 'cv', 'flags'] as const;
