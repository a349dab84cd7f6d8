/**
 * The benefit layers, in settlement order. Adding a layer kind is a module,
 * its section in policy/schema.ts, and one line here.
 */
import type { PolicyChecker } from '../policy/check.js';
import type { PolicyFile } from '../policy/schema.js';
import { assistanceLayer } from './assistance.js';
import { basicLayer } from './basic.js';
import { criticalIllnessLayer } from './critical-illness.js';
import type { CompiledLayer, LayerKind, PolicyContext } from './layer.js';

interface RegisteredLayer {
  readonly kind: string;
  check(policy: PolicyFile, at: PolicyChecker): void;
  compile(policy: PolicyFile, ctx: PolicyContext): CompiledLayer[];
}

/** A layer kind with the policy section it reads. */
function register<S>(kind: LayerKind<S>, section: (p: PolicyFile) => S): RegisteredLayer {
  return {
    kind: kind.kind,
    check: (p, at) => kind.check(section(p), p, at),
    compile: (p, ctx) => kind.compile(section(p), p, ctx),
  };
}

export const LAYER_KINDS: readonly RegisteredLayer[] = [
  register(basicLayer, (p) => p.basic),
  register(criticalIllnessLayer, (p) => p.critical_illness),
  register(assistanceLayer, (p) => p.medical_assistance),
];

export { NOT_ELIGIBLE, type BandPart, type CompiledLayer, type LayerInput, type LayerKind, type LayerOutcome } from './layer.js';
