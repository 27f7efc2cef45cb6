import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { OfferStatus } from '@cppo/contracts';
import { CatalogGateway, classifyAwsError } from '@cppo/marketplace';
import {
  OpportunityRepository,
  opportunityTermsOf,
  type MarketplaceError,
  type Offer,
} from '@cppo/persistence';
import { PeriodicTask, retryDelay, forEachLimited } from '@cppo/runtime';
import { OpportunityEnv } from '../config/opportunity.env';
import { CHANGE_SET_HOOKS, type ChangeSetHooks } from './change-set.hooks';
import { ChangeSetTracker } from './change-set.tracker';

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
  private readonly task: PeriodicTask;
  private readonly backoff: { minMs: number; maxMs: number };

  constructor(
    env: OpportunityEnv,
    private readonly opportunities: OpportunityRepository,
    private readonly catalog: CatalogGateway,
    private readonly tracker: ChangeSetTracker,
    @Optional() @Inject(CHANGE_SET_HOOKS) private readonly hooks?: ChangeSetHooks,
  ) {
    this.backoff = { minMs: env.CHANGE_SET_POLL_INITIAL_MS, maxMs: env.CHANGE_SET_POLL_MAX_MS };
    this.task = new PeriodicTask({
      name: 'change-set-publisher',
      everyMs: env.CHANGE_SET_TICK_MS,
      run: () => this.tick(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** Run a tick soon (after a create or a restrict request). */
  kick(): void {
    this.task.kick();
  }

  /** One pass over every due piece of work. */
  async tick(): Promise<void> {
    const now = new Date();
    const [toSubmit, toRestrict, toPoll] = await Promise.all([
      this.opportunities.findDueForSubmit(now, BATCH),
      this.opportunities.findDueForRestrictSubmit(now, BATCH),
      this.opportunities.findDueForPolling(now, BATCH),
    ]);
    await forEachLimited(toSubmit, CONCURRENCY, (offer) => this.submitPublish(offer));
    await forEachLimited(toRestrict, CONCURRENCY, (offer) => this.submitRestrict(offer));
    await forEachLimited(toPoll, CONCURRENCY, (offer) => this.poll(offer));
  }

  private async submitPublish(offer: Offer): Promise<void> {
    const token = offer.marketplace?.clientRequestToken ?? `cppo-${offer._id}`;
    try {
      const { changeSetId } = await this.catalog.publishResaleAuthorization(
        offer.orgId,
        opportunityTermsOf(offer),
        token,
        `cppo-hub ${offer._id}`,
      );
      await this.hooks?.afterStartChangeSet();
      await this.tracker.submitted(offer, changeSetId, this.after(1, this.backoff.minMs));
      this.logger.log(`opportunity ${offer._id}: change set ${changeSetId} submitted`);
    } catch (error) {
      await this.onSubmitError(offer, error, (errors) => this.tracker.refused(offer, errors));
    }
  }

  private async submitRestrict(offer: Offer): Promise<void> {
    const restrict = offer.marketplace?.restrict;
    const resaleAuthorizationId = offer.marketplace?.resaleAuthorizationId;
    if (!restrict || !resaleAuthorizationId) return;
    try {
      const { changeSetId } = await this.catalog.restrictResaleAuthorization(
        offer.orgId,
        resaleAuthorizationId,
        restrict.clientRequestToken,
        `cppo-hub restrict ${offer._id}`,
      );
      await this.tracker.restrictSubmitted(offer, changeSetId, this.after(1, this.backoff.minMs));
    } catch (error) {
      await this.onSubmitError(offer, error, (errors) => this.tracker.restrictRefused(offer, errors));
    }
  }

  private async onSubmitError(
    offer: Offer,
    error: unknown,
    fail: (errors: MarketplaceError[]) => Promise<void>,
  ): Promise<void> {
    const e = error as Error;
    if (classifyAwsError(error) === 'client') {
      this.logger.warn(`opportunity ${offer._id}: AWS refused the change set: ${e.name}: ${e.message}`);
      await fail([{ code: e.name, message: e.message }]);
      return;
    }
    this.logger.warn(`opportunity ${offer._id}: submit failed (${e.name}: ${e.message}); retrying later`);
    await this.tracker.retryLater(offer, this.after((offer.marketplace?.submitAttempts ?? 0) + 1));
  }

  private async poll(offer: Offer): Promise<void> {
    const changeSetId =
      offer.status === OfferStatus.PENDING
        ? offer.marketplace?.changeSetId
        : offer.marketplace?.restrict?.changeSetId;
    if (!changeSetId) return;
    const next = this.after((offer.marketplace?.pollAttempts ?? 0) + 1);
    try {
      const outcome = await this.catalog.changeSet(offer.orgId, changeSetId);
      if (await this.tracker.ended(offer, outcome, 'service:opportunity (poll)')) return;
      await this.tracker.pollLater(offer, next, outcome.status);
    } catch (error) {
      this.logger.warn(
        `opportunity ${offer._id}: DescribeChangeSet ${changeSetId} failed: ${(error as Error).message}`,
      );
      await this.tracker.pollLater(offer, next);
    }
  }

  /** When try `attempt` of a persisted schedule is due: exponential backoff with jitter (or a fixed delay). */
  private after(attempt: number, fixedMs?: number): Date {
    return new Date(Date.now() + (fixedMs ?? retryDelay(attempt, this.backoff)));
  }
}
