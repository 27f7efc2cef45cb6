import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntitlementRepository } from '@cppo/persistence';
import { PeriodicTask } from '@cppo/runtime';
import { EntitlementEnv } from '../config/entitlement.env';
import { EntitlementService } from './entitlement.service';

/**
 * Every `ENTITLEMENT_SWEEP_MS`: entitlements still missing a link, waiting for their start time or for
 * the Agreement API are looked at again, so that nothing stays unlinked because two events crossed.
 */
@Injectable()
export class EntitlementSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    env: EntitlementEnv,
    private readonly entitlements: EntitlementRepository,
    private readonly service: EntitlementService,
  ) {
    this.task = new PeriodicTask({
      name: 'entitlement-sweeper',
      everyMs: env.ENTITLEMENT_SWEEP_MS,
      run: () => this.runOnce(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(1000);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  async runOnce(): Promise<void> {
    for (const entitlement of await this.entitlements.findDueForSweep(200))
      await this.service.sweep(entitlement);
  }
}
