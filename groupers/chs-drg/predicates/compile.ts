/**
 * Compile one JSON predicate into a {@link Pred}, checking every node against
 * the registry and the package's semantics. Problems are reported through the
 * scope with the JSON path of the node (`$.and[1].cmp[0]`).
 */
import { showValue } from '../../../src/errors.js';
import { KIND_BY_NAME } from './index.js';
import type { CompileScope, Pred } from './types.js';

export function compilePredicate(json: unknown, scope: CompileScope, path = '$'): Pred | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    scope.fail(path, `expected a predicate object with one key, found ${showValue(json)}`, 'predicate.shape');
    return undefined;
  }
  const keys = Object.keys(json);
  if (keys.length !== 1) {
    scope.fail(path, `a predicate object has exactly one key, found ${keys.length === 0 ? 'none' : keys.join(', ')}`, 'predicate.shape');
    return undefined;
  }
  const key = keys[0]!;
  const kind = KIND_BY_NAME.get(key);
  if (kind === undefined) {
    scope.fail(path, `unknown predicate "${key}" (known: ${[...KIND_BY_NAME.keys()].join(', ')})`, 'predicate.unknown');
    return undefined;
  }
  if (!kind.semantics.includes(scope.semantics)) {
    scope.fail(path, `predicate "${key}" is not defined under ${scope.semantics} semantics (it belongs to ${kind.semantics.join(', ')})`, 'predicate.semantics');
    return undefined;
  }
  const raw = (json as Record<string, unknown>)[key];
  const parsed = kind.arg.safeParse(raw);
  if (!parsed.success) {
    const iss = parsed.error.issues[0]!;
    const sub = iss.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    scope.fail(`${path}.${key}${sub}`, `${key}: ${iss.message} (found ${showValue(raw)})`, 'predicate.argument');
    return undefined;
  }
  return kind.compile(parsed.data, scope, path, (child, childPath) => compilePredicate(child, scope, childPath));
}
