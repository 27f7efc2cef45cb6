#!/usr/bin/env node
/**
 * Builds one app for production: compiles its sources and every lib with swc (decorator metadata on,
 * tsconfig path aliases rewritten to relative imports) into dist/apps/<app>, entry
 * dist/apps/<app>/apps/<app>/src/main.js. Type checking is a separate step (`npm run typecheck`).
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
} = require('node:fs');
const { join, relative, dirname } = require('node:path');
const swc = require('@swc/core');

const root = join(__dirname, '../..');
const app = process.argv[2];
if (!app || !existsSync(join(root, 'apps', app, 'src/main.ts'))) {
  console.error(`usage: build-app.js <app>; apps: ${readdirSync(join(root, 'apps')).join(', ')}`);
  process.exit(2);
}

const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const outDir = join(root, 'dist/apps', app);

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(spec|integration-spec|d)\.ts$/.test(name) ? [path] : [];
  });
}

const files = [
  ...sources(join(root, 'apps', app, 'src')),
  ...readdirSync(join(root, 'libs')).flatMap((lib) => sources(join(root, 'libs', lib, 'src'))),
];
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
console.log(`${app}: ${files.length} files → ${relative(root, outDir)}/apps/${app}/src/main.js`);
