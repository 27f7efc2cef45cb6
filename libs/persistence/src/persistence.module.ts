import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { Counter } from 'prom-client';
import { BaseEnv } from '@cppo/runtime';
import { setConditionMode } from './condition';
import { ensureIndexes } from './indexes';
import { MongoWatchdog } from './mongo-watchdog';
import { OutboxDispatcher } from './outbox-dispatcher';
import { ApiKeyRepository } from './repositories/api-key.repository';
import { AuditEventRepository } from './repositories/audit-event.repository';
import { CppoOfferRepository } from './repositories/cppo-offer.repository';
import { EntitlementRepository } from './repositories/entitlement.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { InboxRepository } from './repositories/inbox.repository';
import { MarketplaceEventRepository } from './repositories/marketplace-event.repository';
import { MeteringReportRepository } from './repositories/metering-report.repository';
import { OfferRepository } from './repositories/offer.repository';
import { OpportunityRepository } from './repositories/opportunity.repository';
import { OrgRepository } from './repositories/org.repository';
import { UsageRecordRepository } from './repositories/usage-record.repository';
import { WebhookRepository } from './repositories/webhook.repository';
import { BuyerRegistrationRepository } from './repositories/buyer-registration.repository';
import { BuyerChainRepository } from './repositories/buyer-chain.repository';
import { BuyerChain, BuyerChainSchema } from './schemas/buyer-chain.schema';
import { FinanceRepository } from './repositories/finance.repository';
import { PartnerRepository } from './repositories/partner.repository';
import { OpportunityBatchRepository } from './repositories/opportunity-batch.repository';
import { OpportunityBatch, OpportunityBatchSchema } from './schemas/opportunity-batch.schema';
import { Partner, PartnerSchema } from './schemas/partner.schema';
import {
  FinanceDeal,
  FinanceDealSchema,
  FinanceException,
  FinanceExceptionSchema,
  FinanceFile,
  FinanceFileSchema,
  FinanceImport,
  FinanceImportSchema,
  FinanceParkedLine,
  FinanceParkedLineSchema,
  FinanceRow,
  FinanceBook,
  FinanceBookSchema,
  FinanceRowSchema,
  FinanceSettings,
  FinanceSettingsSchema,
} from './schemas/finance.schema';
import {
  BuyerRegistration,
  BuyerRegistrationSchema,
  RegistrationSettings,
  RegistrationSettingsSchema,
} from './schemas/buyer-registration.schema';
import { ApiKey, ApiKeySchema } from './schemas/api-key.schema';
import { AuditEvent, AuditEventSchema } from './schemas/audit-event.schema';
import { Entitlement, EntitlementSchema } from './schemas/entitlement.schema';
import { IdempotencyRecord, IdempotencyRecordSchema } from './schemas/idempotency-record.schema';
import { InboxMessage, InboxMessageSchema } from './schemas/inbox-message.schema';
import { MarketplaceEventRecord, MarketplaceEventSchema } from './schemas/marketplace-event.schema';
import {
  MeteringCall,
  MeteringCallSchema,
  MeteringClaim,
  MeteringClaimSchema,
} from './schemas/metering-call.schema';
import { MeteringReport, MeteringReportSchema } from './schemas/metering-report.schema';
import { Offer, OfferSchema } from './schemas/offer.schema';
import { Org, OrgSchema } from './schemas/org.schema';
import { UsageRecord, UsageRecordSchema } from './schemas/usage-record.schema';
import {
  WebhookEndpoint,
  WebhookEndpointSchema,
  WebhookMessage,
  WebhookMessageSchema,
} from './schemas/webhook.schema';

const mongoCommands = new Counter({
  name: 'cppo_mongo_commands_total',
  help: 'Commands sent to MongoDB (database round trips), by command name',
  labelNames: ['command'],
});

export const SCHEMAS = [
  { name: Org.name, schema: OrgSchema },
  { name: ApiKey.name, schema: ApiKeySchema },
  { name: Offer.name, schema: OfferSchema },
  { name: Entitlement.name, schema: EntitlementSchema },
  { name: MarketplaceEventRecord.name, schema: MarketplaceEventSchema },
  { name: UsageRecord.name, schema: UsageRecordSchema },
  { name: MeteringReport.name, schema: MeteringReportSchema },
  { name: MeteringCall.name, schema: MeteringCallSchema },
  { name: MeteringClaim.name, schema: MeteringClaimSchema },
  { name: AuditEvent.name, schema: AuditEventSchema },
  { name: IdempotencyRecord.name, schema: IdempotencyRecordSchema },
  { name: InboxMessage.name, schema: InboxMessageSchema },
  { name: WebhookEndpoint.name, schema: WebhookEndpointSchema },
  { name: WebhookMessage.name, schema: WebhookMessageSchema },
  { name: BuyerRegistration.name, schema: BuyerRegistrationSchema },
  { name: RegistrationSettings.name, schema: RegistrationSettingsSchema },
  { name: BuyerChain.name, schema: BuyerChainSchema },
  { name: FinanceSettings.name, schema: FinanceSettingsSchema },
  { name: FinanceImport.name, schema: FinanceImportSchema },
  { name: FinanceFile.name, schema: FinanceFileSchema },
  { name: FinanceRow.name, schema: FinanceRowSchema },
  { name: FinanceBook.name, schema: FinanceBookSchema },
  { name: FinanceParkedLine.name, schema: FinanceParkedLineSchema },
  { name: FinanceDeal.name, schema: FinanceDealSchema },
  { name: FinanceException.name, schema: FinanceExceptionSchema },
  { name: Partner.name, schema: PartnerSchema },
  { name: OpportunityBatch.name, schema: OpportunityBatchSchema },
];

const REPOSITORIES = [
  OrgRepository,
  ApiKeyRepository,
  OfferRepository,
  OpportunityRepository,
  CppoOfferRepository,
  EntitlementRepository,
  MarketplaceEventRepository,
  UsageRecordRepository,
  MeteringReportRepository,
  AuditEventRepository,
  IdempotencyRepository,
  InboxRepository,
  WebhookRepository,
  BuyerRegistrationRepository,
  BuyerChainRepository,
  FinanceRepository,
  PartnerRepository,
  OpportunityBatchRepository,
];

// Mongoose keeps a formatted stack trace of every query's caller (only to explain "Query was already
// executed"); with source maps on (`--enable-source-maps` in the images, swc in development) formatting it
// cost the entitlement service ~0.2 ms of CPU per query in a profile. We never execute a query twice.
mongoose.set('skipOriginalStackTraces', true);

/**
 * The Mongo connection (`MONGO_URL`) and one repository per collection (two typed writers for `offers`).
 * Indexes are ensured (`ensureIndexes`) before the app starts serving. Needs the service's validated
 * settings (`BaseEnv`) from the platform module.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forRootAsync({
      inject: [BaseEnv],
      useFactory: (env: BaseEnv) => ({
        uri: env.MONGO_URL,
        serverSelectionTimeoutMS: 5000,
        autoIndex: false,
        // Round trips are the budget: every command is counted (cppo_mongo_commands_total).
        monitorCommands: true,
      }),
    }),
    MongooseModule.forFeature(SCHEMAS),
  ],
  providers: [OutboxDispatcher, ...REPOSITORIES],
  exports: [MongooseModule, OutboxDispatcher, ...REPOSITORIES],
})
export class PersistenceModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);
  private readonly watchdog: MongoWatchdog;

  constructor(
    @Inject(getConnectionToken()) private readonly connection: Connection,
    env: BaseEnv,
  ) {
    setConditionMode(connection, env.MONGO_CONDITIONS);
    connection
      .getClient()
      .on('commandStarted', (event: { commandName: string }) =>
        mongoCommands.inc({ command: event.commandName }),
      );
    this.watchdog = new MongoWatchdog(connection, env.MONGO_URL, { intervalMs: 2000, stuckAfterMs: 10_000 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await ensureIndexes(this.connection);
    this.logger.log(`indexes ensured on ${Object.keys(this.connection.models).length} collections`);
    this.watchdog.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watchdog.stop();
  }
}
