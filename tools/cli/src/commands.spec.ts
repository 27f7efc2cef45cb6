import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/** One of the repository's command lines as `npm run <name> -- …` runs it, without npm in the way. */
function run(source: string, args: string[]) {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', source, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, MONGO_URL: 'mongodb://127.0.0.1:1/nowhere' },
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('command lines people can guess', () => {
  it.each([
    ['bench', 'tools/bench/src/main.ts', ['--count', '--replicas', '--seconds', '--rate', 'finance']],
    ['fuzz', 'tools/fuzz/src/main.ts', ['--examples', '--only', 'webhooks']],
  ])('%s --help lists its options and exits 0', (_name, source, mentions) => {
    const { code, out } = run(source, ['--help']);
    expect(code).toBe(0);
    for (const mention of mentions) expect(out).toContain(mention);
  });

  it.each([
    ['tools/bench/src/main.ts', ['nope'], "unknown suite 'nope'"],
    ['tools/bench/src/main.ts', ['finance', '--count', 'many'], "argument 'many' is invalid"],
    ['tools/bench/src/main.ts', ['--bogus'], "unknown option '--bogus'"],
    ['tools/fuzz/src/main.ts', ['--only', 'opportunity,nope'], "no service 'nope'"],
    ['tools/fuzz/src/main.ts', ['--examples', '0'], "argument '0' is invalid"],
  ])('%s %j: exit 2 with one line saying why', (source, args, message) => {
    const { code, err } = run(source, args);
    expect(code).toBe(2);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(lines[0]).toContain('--help');
  });
});
