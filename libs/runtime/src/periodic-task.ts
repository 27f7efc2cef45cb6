import { Logger } from '@nestjs/common';

export interface PeriodicTaskOptions {
  /** Shown in logs. */
  name: string;
  /** Pause between the end of one run and the start of the next. */
  everyMs: number;
  /** Each pause is stretched by up to this share of `everyMs` (0.1 = up to +10 %), so replicas drift apart. */
  jitter?: number;
  /** The work; a rejection is logged and the schedule goes on. */
  run: () => Promise<unknown>;
}

/**
 * The project's one way to run background work on a schedule: the next run starts `everyMs` (plus jitter)
 * after the previous one ended, never while it is still running; `kick()` asks for a run as soon as the
 * current one (if any) has finished; `stop()` cancels what is scheduled and waits for the run in progress.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;

  constructor(private readonly options: PeriodicTaskOptions) {
    this.logger = new Logger(`PeriodicTask:${options.name}`);
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  /** Starts the schedule; the first run comes after `firstDelayMs` (default: at once). */
  start(firstDelayMs = 0): void {
    this.stopped = false;
    this.schedule(firstDelayMs);
  }

  /** Run as soon as possible: now if idle, else right after the run in progress. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run now, outside the schedule, still never overlapping a scheduled one (tests, shutdown). */
  async runNow(): Promise<void> {
    while (this.running) await this.running;
    await this.execute();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.cycle(), delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    if (this.stopped || this.running) return;
    await this.execute();
    if (this.stopped) return;
    const again = this.again;
    this.again = false;
    const jitter = this.options.jitter ?? 0.1;
    this.schedule(again ? 0 : Math.round(this.options.everyMs * (1 + Math.random() * jitter)));
  }

  private async execute(): Promise<void> {
    this.running = this.options
      .run()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.logger.warn(
          `${this.options.name} failed, will run again: ${(error as Error)?.message ?? error}`,
        ),
      );
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }
}
