/**
 * Starts what the integration tests need, once per `npm test`:
 * - the Mongo provider (MONGO_URL, else FerretDB, else mongodb-memory-server);
 * - RabbitMQ: checked on RABBITMQ_URL; if it does not answer, tools/infra/up.sh is run to start it.
 * The SQS emulator and the marketplace simulator are started by the tests that use them.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

require('@swc-node/register');
const { canConnect, startMongoServer } = require('../../libs/testing/src/mongo-server');

module.exports = async () => {
  process.env.TZ = 'UTC';
  // Tests talk to local endpoints only: never let an AWS SDK client look for instance credentials on the
  // network (the EC2 metadata address) when a test gives it none.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const rabbit = new URL(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const port = Number(rabbit.port || 5672);
  if (!(await canConnect(rabbit.hostname, port))) {
    process.stderr.write(
      `\nRabbitMQ is not answering on ${rabbit.host}; running tools/infra/up.sh rabbitmq\n`,
    );
    try {
      execFileSync('bash', [path.join(__dirname, '../infra/up.sh'), 'rabbitmq'], { stdio: 'inherit' });
    } catch {
      throw new Error(
        `RabbitMQ is not reachable on ${rabbit.host} and could not be started: run tools/infra/up.sh`,
      );
    }
  }
  const server = await startMongoServer({ log: (line) => process.stderr.write(`\n${line}\n`) });
  globalThis.__CPPO_MONGO__ = server;
  process.env.CPPO_TEST_MONGO_URL = server.url;
};
