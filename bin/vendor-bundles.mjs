// Part of the compiled build: the packages every `orch` process loads, bundled into one ES module
// each under dist/node_modules/, where Node's resolution finds them first for the compiled code (and
// only for it: sources, tests and third-party packages keep node_modules/). Node's module loader pays
// per file, and the first CommonJS package a process loads starts Node's CommonJS machinery: inversify
// is 220 modules, zod 95, pino and reflect-metadata are CommonJS. Bundled, `approvals:approve` loads
// 190 modules instead of 640 and spends about a third less CPU (bench/startup.ts).
// Sharing with the regular copies is safe: decorators applied by a plugin package's own inversify
// work with the bundled container (the metadata lives on the classes through reflect-metadata, whose
// copies share one registry), and zod keeps its registry and config on globalThis and answers
// `instanceof` by traits, so schemas of a package's own zod are parsed and described alike.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Package → where its bundle goes inside dist/node_modules/<package>/. yargs looks for its locales
 * three folders above its own module, so its bundle sits two folders deep with `locales/` copied.
 */
const BUNDLED = {
  inversify: { file: 'index.js' },
  'reflect-metadata': { file: 'index.js' },
  zod: { file: 'index.js' },
  pino: { file: 'index.js' },
  semver: { file: 'index.js' },
  jsonata: { file: 'index.js' },
  yargs: { file: 'bundle/esm/index.js', copy: ['locales'] },
};

/** dist/node_modules/yargs/… — what bin/orch.js imports when dist/ is current. */
export const YARGS_BUNDLE = join('dist', 'node_modules', 'yargs', BUNDLED.yargs.file);

/** The installed version of every bundled package. */
function installedVersions(projectRoot) {
  const versions = {};
  for (const name of Object.keys(BUNDLED)) {
    versions[name] = JSON.parse(readFileSync(join(projectRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  }
  return versions;
}

const RECORD = join('dist', 'node_modules', 'bundled.json');

/** True when the bundles are missing or were made from other versions than node_modules/ holds now. */
export function bundlesAreStale(projectRoot) {
  try {
    return JSON.stringify(JSON.parse(readFileSync(join(projectRoot, RECORD), 'utf8'))) !== JSON.stringify(installedVersions(projectRoot));
  } catch {
    return true;
  }
}

/**
 * Writes the bundles. Without esbuild (it comes with tsx) nothing is bundled and the compiled code
 * uses node_modules/ as the sources do: slower to start, same behaviour.
 */
export async function bundleDependencies(projectRoot) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('orch build: esbuild is not installed; dist/ uses node_modules/ unbundled (slower start)\n');
    return;
  }
  const target = join(projectRoot, 'dist', 'node_modules');
  rmSync(target, { recursive: true, force: true });
  for (const [name, { file, copy = [] }] of Object.entries(BUNDLED)) {
    const folder = join(target, name);
    // The bundle exports exactly what the package does (named and default), whatever its module format.
    const exported = Object.keys(await import(name)).filter((key) => key !== 'module.exports');
    const names = exported.filter((key) => key !== 'default');
    const contents = [
      names.length ? `export { ${names.join(', ')} } from '${name}';` : '',
      exported.includes('default') ? `export { default } from '${name}';` : '',
    ].join('\n');
    await esbuild.build({
      stdin: { contents, resolveDir: projectRoot, sourcefile: `${name}-bundle.js` },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: join(folder, file),
      logLevel: 'warning',
      legalComments: 'inline',
      // CommonJS parts of a package may require Node's built-ins, which an ES module cannot do by itself.
      banner: { js: "import { createRequire as orchCreateRequire } from 'node:module';\nconst require = orchCreateRequire(import.meta.url);" },
    });
    for (const extra of copy) cpSync(join(projectRoot, 'node_modules', name, extra), join(folder, extra), { recursive: true });
    writeFileSync(join(folder, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module', exports: `./${file}` }, null, 2)}\n`);
  }
  writeFileSync(join(projectRoot, RECORD), `${JSON.stringify(installedVersions(projectRoot), null, 2)}\n`);
}
