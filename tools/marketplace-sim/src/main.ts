/**
 * marketplace-sim standalone: `npx nx serve marketplace-sim` or as part of `npm start`.
 *   SIM_PORT (4600), SIM_HOST (127.0.0.1), SIM_WORLD (a world JSON file; default world/default-world.json),
 *   SIM_SQS_ENDPOINT + SIM_SQS_QUEUE_URL (where notifications go), SIM_CHANGE_SET_DELAY_MS (2000),
 *   SIM_AWS_MODELS (AWS's service models, from `tools/infra/up.sh aws-models`: check every exchange).
 */
import { startSimulator } from './simulator';
import { loadWorld } from './world';

async function main(): Promise<void> {
  const env = process.env;
  const sim = await startSimulator({
    port: Number(env['SIM_PORT'] ?? 4600),
    host: env['SIM_HOST'] ?? '127.0.0.1',
    world: loadWorld(env['SIM_WORLD'] || undefined),
    modelsDir: env['SIM_AWS_MODELS'] || undefined,
    config: {
      sqsEndpoint: env['SIM_SQS_ENDPOINT'] || undefined,
      sqsQueueUrl: env['SIM_SQS_QUEUE_URL'] || undefined,
      ...(env['SIM_CHANGE_SET_DELAY_MS'] ? { changeSetDelayMs: Number(env['SIM_CHANGE_SET_DELAY_MS']) } : {}),
    },
  });
  process.stdout.write(`marketplace-sim listening on ${sim.url} (scenario API under /_sim/)\n`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`marketplace-sim failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
