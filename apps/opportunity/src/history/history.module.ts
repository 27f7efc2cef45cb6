import { Module } from '@nestjs/common';
import { OpportunityHistory } from './opportunity.history';

/** What every change of an opportunity leaves behind (its event and audit line), for every feature. */
@Module({ providers: [OpportunityHistory], exports: [OpportunityHistory] })
export class HistoryModule {}
