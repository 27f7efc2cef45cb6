/**
 * Starts what the integration tests need, once per `npm test`:
 * - the Mongo provider (MONGO_URL, else FerretDB, else mongodb-memory-server);
 * - RabbitMQ and FerretDB: ensureInfrastructure starts RabbitMQ and builds FerretDB if they are missing,
 *   and installs the deployment tests' tools (helm, compose-check, Kubernetes schemas) and Debian's chromium
 *   (the console's browser test) the first time.
 * The SQS emulator and the marketplace simulator are started by the tests that use them.
 */

require('@swc-node/register');
const { startMongoServer } = require('../../libs/testing/src/mongo-server');
const { ensureInfrastructure } = require('../../libs/testing/src/ensure-infra');

module.exports = async () => {
  process.env.TZ = 'UTC';
  // Tests talk to local endpoints only: never let an AWS SDK client look for instance credentials on the
  // network (the EC2 metadata address) when a test gives it none.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  await ensureInfrastructure({
    rabbitUrl: process.env.RABBITMQ_URL,
    mongoUrl: process.env.MONGO_URL,
    testTools: true,
    log: (line) => process.stderr.write(`\n${line}`),
  });
  const server = await startMongoServer({ log: (line) => process.stderr.write(`\n${line}\n`) });
  globalThis.__CPPO_MONGO__ = server;
  process.env.CPPO_TEST_MONGO_URL = server.url;
};
