#!/usr/bin/env node
/**
 * Builds one app (apps/<app>, or tools/marketplace-sim) for production: compiles its sources and every
 * lib with swc (decorator metadata on, tsconfig path aliases rewritten to relative imports) into
 * dist/apps/<app>, copies JSON assets, and writes dist/apps/<app>/main.js as the entry point.
 * Type checking is a separate step (`npm run typecheck`).
 * Usage: node tools/build/build-app.js <app>
 */
const {
  readFileSync,
  readdirSync,
  rmSync,
  mkdirSync,
  writeFileSync,
  statSync,
  existsSync,
  copyFileSync,
} = require('node:fs');
const { join, relative, dirname } = require('node:path');
const swc = require('@swc/core');

const root = join(__dirname, '../..');
const app = process.argv[2];
const projectDir = ['apps', 'tools']
  .map((dir) => join(root, dir, app ?? ''))
  .find((dir) => app && existsSync(join(dir, 'src/main.ts')));
if (!projectDir) {
  console.error(
    `usage: build-app.js <app>; apps: ${readdirSync(join(root, 'apps')).join(', ')}, marketplace-sim`,
  );
  process.exit(2);
}

const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const outDir = join(root, 'dist/apps', app);

function sources(dir, pattern = /\.ts$/) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path, pattern);
    return pattern.test(name) && !/\.(spec|integration-spec|d)\.ts$/.test(name) ? [path] : [];
  });
}

const sourceDirs = [
  join(projectDir, 'src'),
  ...readdirSync(join(root, 'libs')).map((lib) => join(root, 'libs', lib, 'src')),
];
const files = sourceDirs.flatMap((dir) => sources(dir));
rmSync(outDir, { recursive: true, force: true });
for (const file of files) {
  const { code, map } = swc.transformFileSync(file, {
    ...swcrc,
    swcrc: false,
    sourceMaps: true,
    jsc: { ...swcrc.jsc, baseUrl: root, paths },
  });
  const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
  if (map) writeFileSync(`${target}.map`, map);
}
for (const asset of sourceDirs.flatMap((dir) => sources(dir, /\.json$/))) {
  const target = join(outDir, relative(root, asset));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(asset, target);
}
const entry = `./${relative(root, join(projectDir, 'src/main.js'))}`;
writeFileSync(join(outDir, 'main.js'), `require('${entry}');\n`);
console.log(`${app}: ${files.length} files → ${relative(root, outDir)}/main.js (${entry})`);
