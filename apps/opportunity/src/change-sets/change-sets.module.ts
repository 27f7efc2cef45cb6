import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { HistoryModule } from '../history/history.module';
import { ChangeSetEventsConsumer } from './change-set-events.consumer';
import { ChangeSetPublisher } from './change-set.publisher';
import { ChangeSetTracker } from './change-set.tracker';

/**
 * An opportunity's change sets in AWS: submitted, polled, and ended by AWS's notifications. Others kick the
 * publisher after a change (ChangeSetPublisher) and end an active opportunity (ChangeSetTracker).
 */
@Module({
  imports: [MarketplaceModule, HistoryModule],
  controllers: [ChangeSetEventsConsumer],
  providers: [ChangeSetTracker, ChangeSetPublisher],
  exports: [ChangeSetPublisher, ChangeSetTracker],
})
export class ChangeSetsModule {}
