/**
 * Job kinds by name, so that a worker thread can build a job from its spec.
 * Each kind lives in its own module; adding one is one line here.
 */
import type { BatchJob, JobSpecBase } from '../bulk/job.js';
import { GroupJob, type GroupJobSpec } from './group.js';
import { HospitalsJob, type HospitalsJobSpec } from './hospitals.js';
import { PriceJob, type PriceJobSpec } from './price.js';
import { WeightsJob, type WeightsJobSpec } from './weights.js';
import { QcJob, type QcJobSpec } from './qc.js';
import { WhatIfJob, type WhatIfJobSpec } from './whatif.js';
import { DipGroupJob, type DipGroupJobSpec } from './dip-group.js';
import { DipSettleJob, mergeSettle, type DipSettleJobSpec } from './dip-settle.js';
import { DipWhatIfJob, type DipWhatIfJobSpec } from './dip-whatif.js';

interface JobKind {
  create(spec: JobSpecBase): BatchJob;
  /** Merge two aggregates of this kind (default: none). */
  merge?(a: unknown, b: unknown): unknown;
}

export const JOB_KINDS: Record<string, JobKind> = {
  group: { create: (spec) => new GroupJob(spec as GroupJobSpec), merge: GroupJob.merge as JobKind['merge'] },
  whatif: { create: (spec) => new WhatIfJob(spec as WhatIfJobSpec) },
  'dip-group': { create: (spec) => new DipGroupJob(spec as DipGroupJobSpec) },
  'dip-whatif': { create: (spec) => new DipWhatIfJob(spec as DipWhatIfJobSpec) },
  'dip-settle': { create: (spec) => new DipSettleJob(spec as DipSettleJobSpec), merge: mergeSettle as JobKind['merge'] },
  weights: { create: (spec) => new WeightsJob(spec as WeightsJobSpec) },
  hospitals: { create: (spec) => new HospitalsJob(spec as HospitalsJobSpec), merge: HospitalsJob.merge as JobKind['merge'] },
  price: { create: (spec) => new PriceJob(spec as PriceJobSpec), merge: PriceJob.merge as JobKind['merge'] },
  qc: { create: (spec) => new QcJob(spec as QcJobSpec), merge: QcJob.merge as JobKind['merge'] },
};

export function createJob(spec: JobSpecBase): BatchJob {
  const kind = JOB_KINDS[spec.kind];
  if (kind === undefined) throw new Error(`unknown job kind "${spec.kind}"`);
  return kind.create(spec);
}

export function mergeAggregate(kind: string, a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const merge = JOB_KINDS[kind]?.merge;
  return merge === undefined ? a : merge(a, b);
}
