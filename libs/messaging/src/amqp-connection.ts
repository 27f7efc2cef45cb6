import { connect, type AmqpConnectionManager } from 'amqp-connection-manager';
import { Socket } from 'node:net';
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
  connection.on('connect', ({ connection: model }) => {
    coalesceWrites((model as unknown as { connection?: { stream?: unknown } }).connection?.stream);
    logger.log(`connected to ${redactAmqpUrl(url)}`);
  });
  connection.on('disconnect', ({ err }) => logger.warn(`disconnected: ${err?.message ?? 'closed'}`));
  connection.on('connectFailed', ({ err }) => logger.warn(`connect failed: ${err?.message}`));
  return connection;
}

/**
 * amqplib writes every frame to the socket on its own (a publish is three frames: a syscall each).
 * Corking the socket at the first write of a tick and uncorking on the next tick sends everything written
 * meanwhile — a batch of publishes, their frames — in one writev. Order is unchanged; the delay is one tick.
 */
function coalesceWrites(stream: unknown): void {
  if (!(stream instanceof Socket)) return;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  let corked = false;
  stream.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(() => {
        corked = false;
        stream.uncork();
      });
    }
    return write(...args);
  }) as typeof stream.write;
}
