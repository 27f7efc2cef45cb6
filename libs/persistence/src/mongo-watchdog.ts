import { Logger } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';
import { PeriodicTask } from '@cppo/runtime';

export interface MongoWatchdogOptions {
  /** How often the connection is pinged. */
  intervalMs: number;
  /** How long pings must have failed before a fresh client is asked whether the server is really away. */
  stuckAfterMs: number;
}

/**
 * Reopens the driver's client when it has stopped recovering by itself.
 *
 * Observed with the mongodb driver 6.20 (mongoose 8): when the connection to the server is cut while a
 * heartbeat is opening its socket, that heartbeat can wait forever; the server then stays "Unknown" and
 * every operation fails server selection long after the server is back (minutes, until restart). So:
 * when pings have failed for `stuckAfterMs` but a brand-new client reaches the server, the client is
 * closed and connected again. During a real outage the new client fails too and nothing is touched.
 */
export class MongoWatchdog {
  private readonly logger = new Logger(MongoWatchdog.name);
  private readonly task: PeriodicTask;
  private failingSince?: number;
  /** How many times the client was reopened (for tests and metrics). */
  reopened = 0;

  constructor(
    private readonly connection: Pick<Connection, 'getClient'>,
    private readonly uri: string,
    private readonly options: MongoWatchdogOptions,
    /** Whether a brand-new client reaches the server (a seam for unit tests). */
    private readonly freshClientReaches: () => Promise<boolean> = () => this.probeWithNewClient(),
  ) {
    this.task = new PeriodicTask({
      name: 'mongo-watchdog',
      everyMs: options.intervalMs,
      run: () => this.check(),
    });
  }

  start(): void {
    this.task.start(this.options.intervalMs);
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async check(): Promise<void> {
    try {
      if (await this.ping(this.connection.getClient())) {
        this.failingSince = undefined;
        return;
      }
      this.failingSince ??= Date.now();
      const failingFor = Date.now() - this.failingSince;
      if (failingFor < this.options.stuckAfterMs || !(await this.freshClientReaches())) return;
      this.logger.warn(
        `Mongo answers a new client but this one has failed for ${Math.round(failingFor / 1000)} s: reopening it`,
      );
      const client = this.connection.getClient();
      await client.close(true).catch(() => undefined);
      await client.connect();
      this.reopened++;
      this.failingSince = undefined;
    } catch (error) {
      this.logger.warn(`Mongo watchdog: ${(error as Error).message}`);
    }
  }

  private async ping(client: mongoose.mongo.MongoClient): Promise<boolean> {
    try {
      await client.db('admin').command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  private async probeWithNewClient(): Promise<boolean> {
    const probe = new mongoose.mongo.MongoClient(this.uri, {
      serverSelectionTimeoutMS: 3000,
      connectTimeoutMS: 3000,
    });
    try {
      await probe.connect();
      return await this.ping(probe);
    } catch {
      return false;
    } finally {
      await probe.close(true).catch(() => undefined);
    }
  }
}
