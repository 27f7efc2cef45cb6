import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { classifyAwsError } from '@cppo/marketplace';
import { OfferRepository, type Offer } from '@cppo/persistence';
import { CatalogGateway } from '../marketplace/catalog.gateway';
import { buildPublishChangeSet, buildRestrictChangeSet } from './change-set.builder';
import { OpportunitiesService, toDto } from './opportunities.service';

const BATCH = 20;
const CONCURRENCY = 5;

/**
 * Submits change sets for new opportunities and restrictions, and polls running change sets with
 * exponential backoff, so that a lost notification never leaves an opportunity PENDING. Work lists are
 * read from Mongo each tick: a crash anywhere is resumed by the next tick, here or in another replica.
 */
@Injectable()
export class ChangeSetPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeSetPublisher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly tickMs: number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly failpoint?: string;

  constructor(
    config: ConfigService,
    private readonly offers: OfferRepository,
    private readonly catalog: CatalogGateway,
    private readonly opportunities: OpportunitiesService,
  ) {
    this.tickMs = config.getOrThrow<number>('CHANGE_SET_TICK_MS');
    this.pollInitialMs = config.getOrThrow<number>('CHANGE_SET_POLL_INITIAL_MS');
    this.pollMaxMs = config.getOrThrow<number>('CHANGE_SET_POLL_MAX_MS');
    this.failpoint = config.get<string>('CPPO_FAILPOINT');
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every due piece of work (exposed for tests and for `kick`). */
  async tick(): Promise<void> {
    const now = new Date();
    const due = (field: string) => ({ $or: [{ [field]: { $exists: false } }, { [field]: { $lte: now } }] });
    const [toSubmit, toRestrict, toPoll] = await Promise.all([
      this.offers.findWork(
        {
          type: OfferType.CPPO_OUT,
          status: OfferStatus.PENDING,
          'marketplace.changeSetId': { $exists: false },
          ...due('marketplace.submitAfter'),
        },
        BATCH,
      ),
      this.offers.findWork(
        {
          type: OfferType.CPPO_OUT,
          status: OfferStatus.ACTIVE,
          'marketplace.restrict.requestedAt': { $exists: true },
          'marketplace.restrict.changeSetId': { $exists: false },
          'marketplace.restrict.status': { $exists: false },
          ...due('marketplace.submitAfter'),
        },
        BATCH,
      ),
      this.offers.findWork(
        {
          type: OfferType.CPPO_OUT,
          'marketplace.pollAfter': { $lte: now },
          $or: [
            { status: OfferStatus.PENDING, 'marketplace.changeSetId': { $exists: true } },
            {
              status: OfferStatus.ACTIVE,
              'marketplace.restrict.changeSetId': { $exists: true },
              'marketplace.restrict.status': { $in: ['PREPARING', 'APPLYING'] },
            },
          ],
        },
        BATCH,
      ),
    ]);
    await inParallel(toSubmit, (offer) => this.submitPublish(offer));
    await inParallel(toRestrict, (offer) => this.submitRestrict(offer));
    await inParallel(toPoll, (offer) => this.poll(offer));
  }

  private async submitPublish(offer: Offer): Promise<void> {
    const token = offer.marketplace?.clientRequestToken ?? `cppo-${offer._id}`;
    try {
      const changeSetId = await this.catalog.startChangeSet(
        buildPublishChangeSet(toDto(offer)),
        token,
        `cppo-hub ${offer._id}`,
      );
      this.crashIfAsked();
      await this.opportunities.recordSubmission(
        offer,
        changeSetId,
        new Date(Date.now() + this.pollInitialMs),
      );
      this.logger.log(`opportunity ${offer._id}: change set ${changeSetId} submitted`);
    } catch (error) {
      await this.onSubmitError(offer, error, (errors) => this.opportunities.failSubmission(offer, errors));
    }
  }

  private async submitRestrict(offer: Offer): Promise<void> {
    const restrict = offer.marketplace?.restrict;
    const resaleAuthorizationId = offer.marketplace?.resaleAuthorizationId;
    if (!restrict || !resaleAuthorizationId) return;
    try {
      const changeSetId = await this.catalog.startChangeSet(
        buildRestrictChangeSet(resaleAuthorizationId),
        restrict.clientRequestToken,
        `cppo-hub restrict ${offer._id}`,
      );
      await this.opportunities.recordRestrictSubmission(
        offer,
        changeSetId,
        new Date(Date.now() + this.pollInitialMs),
      );
    } catch (error) {
      await this.onSubmitError(offer, error, (errors) =>
        this.opportunities.failRestrictSubmission(offer, errors),
      );
    }
  }

  private async onSubmitError(
    offer: Offer,
    error: unknown,
    fail: (errors: { code: string; message: string }[]) => Promise<void>,
  ): Promise<void> {
    const e = error as Error;
    if (classifyAwsError(error) === 'client') {
      this.logger.warn(`opportunity ${offer._id}: AWS refused the change set: ${e.name}: ${e.message}`);
      await fail([{ code: e.name, message: e.message }]);
      return;
    }
    const attempts = (offer.marketplace?.submitAttempts ?? 0) + 1;
    this.logger.warn(`opportunity ${offer._id}: submit failed (${e.name}: ${e.message}); retrying later`);
    await this.opportunities.scheduleSubmit(
      offer,
      new Date(Date.now() + backoff(this.pollInitialMs, this.pollMaxMs, attempts)),
    );
  }

  private async poll(offer: Offer): Promise<void> {
    const changeSetId =
      offer.status === OfferStatus.PENDING
        ? offer.marketplace?.changeSetId
        : offer.marketplace?.restrict?.changeSetId;
    if (!changeSetId) return;
    try {
      const described = await this.catalog.describeChangeSet(changeSetId);
      if (await this.opportunities.applyChangeSet(offer, described, 'service:opportunity (poll)')) return;
      const attempts = (offer.marketplace?.pollAttempts ?? 0) + 1;
      await this.opportunities.schedulePoll(
        offer,
        new Date(Date.now() + backoff(this.pollInitialMs, this.pollMaxMs, attempts)),
        described.Status,
      );
    } catch (error) {
      const attempts = (offer.marketplace?.pollAttempts ?? 0) + 1;
      this.logger.warn(
        `opportunity ${offer._id}: DescribeChangeSet ${changeSetId} failed: ${(error as Error).message}`,
      );
      await this.opportunities.schedulePoll(
        offer,
        new Date(Date.now() + backoff(this.pollInitialMs, this.pollMaxMs, attempts)),
      );
    }
  }

  private crashIfAsked(): void {
    if (this.failpoint === 'after-start-change-set') {
      this.logger.error(
        'CPPO_FAILPOINT=after-start-change-set: killing the process before the change set id is stored',
      );
      process.kill(process.pid, 'SIGKILL');
    }
  }

  /** Run a tick soon (after a create or a restrict request). */
  kick(): void {
    if (!this.running) this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), delay);
    this.timer.unref?.();
  }

  private async loop(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.tick().catch((error: Error) =>
      this.logger.warn(`publisher tick failed: ${error.message}`),
    );
    await this.running;
    this.running = undefined;
    this.schedule(this.tickMs);
  }
}

/** Exponential backoff with full jitter between `base` and `max`. */
export function backoff(base: number, max: number, attempt: number): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + Math.random() * (ceiling - base / 2));
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}
