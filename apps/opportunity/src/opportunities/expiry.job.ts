import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OfferStatus, OfferType } from '@cppo/contracts';
import { OfferRepository, type Offer } from '@cppo/persistence';
import { CatalogGateway } from '../marketplace/catalog.gateway';
import { OpportunitiesService, today } from './opportunities.service';

/**
 * Marks ACTIVE opportunities whose expiry date has passed EXPIRED, and reconciles ACTIVE ones with
 * DescribeEntity (an authorization restricted outside CPPO Hub, e.g. in the AWS console, becomes RESTRICTED).
 */
@Injectable()
export class ExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiryJob.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly everyMs: number;

  constructor(
    config: ConfigService,
    private readonly offers: OfferRepository,
    private readonly catalog: CatalogGateway,
    private readonly opportunities: OpportunitiesService,
  ) {
    this.everyMs = config.getOrThrow<number>('EXPIRY_CHECK_MS');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.running)
        this.running = this.runOnce()
          .catch((e: Error) => this.logger.warn(`expiry job failed: ${e.message}`))
          .then(() => (this.running = undefined));
    }, this.everyMs);
    this.timer.unref?.();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async runOnce(): Promise<void> {
    const expired = await this.offers.findWork(
      { type: OfferType.CPPO_OUT, status: OfferStatus.ACTIVE, expiryDate: { $lt: today() } },
      100,
    );
    for (const offer of expired) await this.check(offer, true);
    const stale = new Date(Date.now() - this.everyMs * 10);
    const sample = await this.offers.findWork(
      {
        type: OfferType.CPPO_OUT,
        status: OfferStatus.ACTIVE,
        $or: [
          { 'marketplace.reconciledAt': { $exists: false } },
          { 'marketplace.reconciledAt': { $lt: stale } },
        ],
      },
      20,
    );
    for (const offer of sample) await this.check(offer, false);
  }

  private async check(offer: Offer, expired: boolean): Promise<void> {
    const id = offer.marketplace?.resaleAuthorizationId;
    let awsStatus: string | undefined;
    if (id) {
      try {
        awsStatus = (
          (await this.catalog.describeEntity(id)).DetailsDocument as { Status?: string } | undefined
        )?.Status;
      } catch (error) {
        this.logger.warn(`reconcile ${offer._id}: DescribeEntity ${id} failed: ${(error as Error).message}`);
      }
    }
    if (awsStatus === 'Restricted')
      return this.opportunities.endActive(offer, OfferStatus.RESTRICTED, 'restricted in AWS Marketplace');
    if (expired)
      return this.opportunities.endActive(
        offer,
        OfferStatus.EXPIRED,
        `expiry date ${offer.expiryDate} passed`,
      );
    await this.opportunities.markReconciled(offer);
  }
}
