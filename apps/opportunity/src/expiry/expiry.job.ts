import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { daysUntil, EXPIRY_NOTICE_DAYS, OfferStatus, RoutingKeys, today } from '@cppo/contracts';
import { CatalogGateway } from '@cppo/marketplace';
import { OpportunityRepository, type Offer } from '@cppo/persistence';
import { PeriodicTask } from '@cppo/runtime';
import { ChangeSetTracker } from '../change-sets/change-set.tracker';
import { OpportunityEnv } from '../config/opportunity.env';
import { OpportunityHistory } from '../history/opportunity.history';

const DAY_MS = 86_400_000;

/**
 * Marks ACTIVE opportunities whose expiry date has passed EXPIRED, sends the notices of those that expire soon
 * (`cppo.opportunity.expiring.v1`, 30, 7 and 1 days before, each once), and reconciles ACTIVE ones with
 * DescribeEntity (an authorization restricted outside CPPO Hub, e.g. in the AWS console, becomes RESTRICTED).
 */
@Injectable()
export class ExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiryJob.name);
  private readonly task: PeriodicTask;
  private readonly everyMs: number;

  constructor(
    env: OpportunityEnv,
    private readonly opportunities: OpportunityRepository,
    private readonly catalog: CatalogGateway,
    private readonly tracker: ChangeSetTracker,
    private readonly history: OpportunityHistory,
  ) {
    this.everyMs = env.EXPIRY_CHECK_MS;
    this.task = new PeriodicTask({ name: 'expiry', everyMs: this.everyMs, run: () => this.runOnce() });
  }

  onApplicationBootstrap(): void {
    this.task.start(this.everyMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One pass, as of `now`. */
  async runOnce(now = new Date()): Promise<void> {
    for (const offer of await this.opportunities.findExpired(today(now), 100)) await this.check(offer, true);
    await this.noticeExpiring(now);
    const stale = new Date(now.getTime() - this.everyMs * 10);
    for (const offer of await this.opportunities.findDueForReconcile(stale, 20))
      await this.check(offer, false);
  }

  /** The nearest notice each opportunity expiring within 30 days has not had yet: one event each. */
  private async noticeExpiring(now: Date): Promise<void> {
    const from = today(now);
    const until = today(new Date(now.getTime() + Math.max(...EXPIRY_NOTICE_DAYS) * DAY_MS));
    for (const offer of await this.opportunities.findExpiring(from, until, 500)) {
      const daysLeft = daysUntil(offer.expiryDate as string, now);
      const due = EXPIRY_NOTICE_DAYS.filter((days) => days >= daysLeft); // e.g. 5 days left: 30 and 7
      const threshold = Math.min(...due) as (typeof EXPIRY_NOTICE_DAYS)[number];
      if (offer.marketplace?.expiryNotices?.includes(String(threshold))) continue;
      await this.opportunities.markExpiryNotices(
        offer,
        [...due],
        [
          this.history.event(
            RoutingKeys.OpportunityExpiring,
            offer,
            {
              actor: 'service:opportunity',
              action: 'expiring',
              data: { expiryDate: offer.expiryDate, daysLeft, threshold },
            },
            { expiryDate: offer.expiryDate, daysLeft, threshold },
          ),
        ],
      );
    }
  }

  private async check(offer: Offer, expired: boolean): Promise<void> {
    const id = offer.marketplace?.resaleAuthorizationId;
    let awsStatus: string | undefined;
    let offerDetails: { offerExtendedStatus?: string; offerCreatedCount?: number } | undefined;
    if (id) {
      try {
        // offerDetails: "Completed-Used" for a single-use authorization a partner has used up; offers made.
        ({ status: awsStatus, offerDetails } = await this.catalog.resaleAuthorization(offer.orgId, id));
      } catch (error) {
        this.logger.warn(`reconcile ${offer._id}: DescribeEntity ${id} failed: ${(error as Error).message}`);
      }
    }
    if (awsStatus === 'Restricted')
      return this.tracker.endActive(offer, OfferStatus.RESTRICTED, 'restricted in AWS Marketplace');
    if (expired)
      return this.tracker.endActive(offer, OfferStatus.EXPIRED, `expiry date ${offer.expiryDate} passed`);
    await this.opportunities.markReconciled(offer, new Date(), offerDetails);
  }
}
