#!/usr/bin/env node
/**
 * Builds one app (apps/<app>, or tools/marketplace-sim) for production with only what it imports: starting
 * from its src/main.ts, every file reached through imports (path aliases included) is compiled with swc
 * (decorator metadata on, aliases rewritten to relative paths) into dist/apps/<app>; nothing else is —
 * no test helper, fixture or test entry point. JSON files beside the reached sources are copied (the
 * simulator's world). A package.json lists the npm packages the app imports, at the root's versions, and
 * dist/apps/<app>/main.js is the entry point. Type checking is a separate step (`npm run typecheck`).
 * Usage: node tools/build/build-app.js <app>
 */
const { builtinModules } = require('node:module');
const fs = require('node:fs');
const { join, relative, dirname, resolve } = require('node:path');
const swc = require('@swc/core');

const root = join(__dirname, '../..');
const app = process.argv[2];
const projectDir = ['apps', 'tools']
  .map((dir) => join(root, dir, app ?? ''))
  .find((dir) => app && fs.existsSync(join(dir, 'src/main.ts')));
if (!projectDir) {
  console.error(
    `usage: build-app.js <app>; apps: ${fs.readdirSync(join(root, 'apps')).join(', ')}, marketplace-sim`,
  );
  process.exit(2);
}

const swcrc = JSON.parse(fs.readFileSync(join(root, '.swcrc'), 'utf8'));
const { paths } = JSON.parse(fs.readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions;
const rootPackage = JSON.parse(fs.readFileSync(join(root, 'package.json'), 'utf8'));
const outDir = join(root, 'dist/apps', app);
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** `./x` from `file` → the .ts file it names (x.ts or x/index.ts). */
function resolveSource(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidate = [`${base}.ts`, join(base, 'index.ts')].find((path) => fs.existsSync(path));
  if (!candidate) throw new Error(`${relative(root, from)}: cannot resolve ${specifier}`);
  return candidate;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Commands an app's image carries besides its service: `<name>.js` at the output's root runs `main()` of
 * the source. The opportunity image can create orgs and keys (`node org-create.js …`), so that a cluster
 * needs no checkout of this repository for its first key.
 */
const COMMANDS = { opportunity: { 'org-create.js': 'tools/cli/src/org-create.ts' } };
const commands = Object.entries(COMMANDS[app] ?? {});

rmSync(outDir);
const queue = [join(projectDir, 'src/main.ts'), ...commands.map(([, source]) => join(root, source))];
const reached = new Set(queue);
const packages = new Set();
while (queue.length) {
  const file = queue.shift();
  const { code, map } = swc.transformFileSync(file, {
    ...swcrc,
    swcrc: false,
    sourceMaps: true,
    jsc: { ...swcrc.jsc, baseUrl: root, paths },
  });
  for (const [, specifier] of code.matchAll(/require\("([^"]+)"\)/g)) {
    if (specifier.startsWith('.')) {
      const source = resolveSource(file, specifier);
      if (!reached.has(source)) reached.add(source) && queue.push(source);
    } else if (!builtins.has(specifier) && !builtins.has(packageName(specifier))) {
      packages.add(packageName(specifier));
    }
  }
  const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
  fs.mkdirSync(dirname(target), { recursive: true });
  fs.writeFileSync(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map\n`);
  if (map) fs.writeFileSync(`${target}.map`, map);
}
for (const dir of new Set([...reached].map((file) => dirname(file)))) {
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    fs.copyFileSync(join(dir, name), join(outDir, relative(root, join(dir, name))));
  }
}
/**
 * Packages that a reached package loads by name at run time (never through an import this build can see):
 * Nest loads @fastify/static to serve the Swagger UI; nestjs-pino and amqp-connection-manager take pino,
 * pino-http and amqplib as peers.
 */
const LOADED_BY_NAME = {
  '@nestjs/swagger': ['@fastify/static'],
  'nestjs-pino': ['pino', 'pino-http'],
  'amqp-connection-manager': ['amqplib'],
};
for (const [loader, loaded] of Object.entries(LOADED_BY_NAME))
  if (packages.has(loader)) loaded.forEach((name) => packages.add(name));
const missing = [...packages].filter((name) => !rootPackage.dependencies[name]);
if (missing.length) {
  console.error(`${app}: imports packages that are not production dependencies: ${missing.join(', ')}`);
  process.exit(1);
}
const entry = `./${relative(root, join(projectDir, 'src/main.js'))}`;
fs.writeFileSync(join(outDir, 'main.js'), `require('${entry}');\n`);
for (const [name, source] of commands)
  fs.writeFileSync(join(outDir, name), `require('./${source.replace(/\.ts$/, '.js')}').main();\n`);
fs.writeFileSync(
  join(outDir, 'package.json'),
  `${JSON.stringify(
    {
      name: `@cppo-hub/${app}`,
      version: rootPackage.version,
      private: true,
      license: rootPackage.license,
      main: 'main.js',
      engines: rootPackage.engines,
      dependencies: Object.fromEntries(
        [...packages].sort().map((name) => [name, rootPackage.dependencies[name]]),
      ),
    },
    null,
    2,
  )}\n`,
);
console.log(
  `${app}: ${reached.size} files, ${packages.size} packages → ${relative(root, outDir)}/main.js (${entry})`,
);

function rmSync(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}
