import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import { Logger } from '@nestjs/common';

/** Hides the password of an AMQP URL before it reaches a log. */
export function redactAmqpUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

/**
 * A self-healing connection (amqp-connection-manager): reconnects with a delay, re-runs channel setup
 * (topology, consumers) after each reconnect, and buffers publishes while the broker is away.
 */
export function createAmqpConnection(url: string, name: string): AmqpConnectionManager {
  const logger = new Logger(`Amqp:${name}`);
  const connection = connect([url], {
    heartbeatIntervalInSeconds: 5,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: name } },
  });
  connection.on('connect', () => logger.log(`connected to ${redactAmqpUrl(url)}`));
  connection.on('disconnect', ({ err }) => logger.warn(`disconnected: ${err?.message ?? 'closed'}`));
  connection.on('connectFailed', ({ err }) => logger.warn(`connect failed: ${err?.message}`));
  return connection;
}
