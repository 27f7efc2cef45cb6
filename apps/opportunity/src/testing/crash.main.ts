/**
 * The opportunity service with a failpoint, for the crash test only (never built into an image): the
 * process kills itself right after AWS accepted a change set, before its id is stored.
 */
import { Global, Module } from '@nestjs/common';
import { runService } from '@cppo/platform';
import { AppModule } from '../app.module';
import { CHANGE_SET_HOOKS, type ChangeSetHooks } from '../change-sets/change-set.hooks';
import { OPPORTUNITY_SUBSCRIPTIONS } from '../change-sets/change-set-events.consumer';

const hooks: ChangeSetHooks = {
  // The publisher stops here for good (the change set id is never stored); the process dies a moment later,
  // once the HTTP answer to the create that kicked the publisher has left.
  afterStartChangeSet: () =>
    new Promise<void>(() => {
      process.stderr.write('failpoint: killing the process before the change set id is stored\n');
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 300);
    }),
};

@Global()
@Module({ providers: [{ provide: CHANGE_SET_HOOKS, useValue: hooks }], exports: [CHANGE_SET_HOOKS] })
class FailpointModule {}

@Module({ imports: [FailpointModule, AppModule] })
class CrashTestModule {}

void runService({
  name: 'opportunity',
  description: 'opportunity service with a crash failpoint (tests only)',
  module: CrashTestModule,
  consumers: [{ purpose: 'events', subscriptions: OPPORTUNITY_SUBSCRIPTIONS }],
});
