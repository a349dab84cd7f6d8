/**
 * Where shared data lives at run time.
 *
 * Scheme packages and validation cases are read from `../shared` beside the
 * repository (never copied into it). Two environment variables override this:
 *
 * - `DRG_SHARED_DIR`  — the shared folder (holds `schemes/` and `validation/`)
 * - `DRG_SCHEMES_DIR` — the folder that holds scheme packages (wins over the above)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'drg-engine';

/** The repository (package) root: the nearest folder above this module with our package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * A compiled module beside the caller (a worker thread's entry, say): the
 * sibling `name` when the caller runs from dist/, else the same place under
 * dist/ (tests run the TypeScript sources, which cannot start a thread).
 */
export function compiledSibling(callerUrl: string, name: string): string {
  const here = fileURLToPath(callerUrl);
  const sibling = join(dirname(here), name);
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  return join(repoRoot(), 'dist', relative(repoRoot(), dirname(here)), name);
}

/** The shared data folder: `$DRG_SHARED_DIR`, else `<repo>/../shared`. */
export function sharedDir(): string {
  const env = process.env['DRG_SHARED_DIR'];
  return env !== undefined && env !== '' ? resolve(env) : resolve(repoRoot(), '..', 'shared');
}

/** The folder holding scheme packages: `$DRG_SCHEMES_DIR`, else `<shared>/schemes`. */
export function schemesDir(): string {
  const env = process.env['DRG_SCHEMES_DIR'];
  return env !== undefined && env !== '' ? resolve(env) : join(sharedDir(), 'schemes');
}

/** The folder holding reference validation cases: `<shared>/validation`. */
export function validationDir(): string {
  return join(sharedDir(), 'validation');
}

/**
 * Resolve a scheme argument to a folder. A value that names an existing folder
 * (absolute, or relative to the working directory) is used as is; a bare name
 * such as `chs-drg-1.1` is looked up in {@link schemesDir}.
 */
export function resolveSchemeDir(spec: string): string {
  if (isAbsolute(spec)) return spec;
  const local = resolve(spec);
  if (isDir(local)) return local;
  if (!spec.includes('/') && !spec.includes('\\')) return join(schemesDir(), spec);
  return local;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
