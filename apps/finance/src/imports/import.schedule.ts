import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '@cppo/runtime';
import { ImportService } from './import.service';

/** Imports every configured org's feeds every FINANCE_IMPORT_MS (AWS delivers them once a day). */
@Injectable()
export class ImportSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task?: PeriodicTask;

  constructor(imports: ImportService) {
    if (imports.scheduleMs)
      this.task = new PeriodicTask({
        name: 'finance-import',
        everyMs: imports.scheduleMs,
        jitter: 0.1,
        run: () => imports.importAll(),
      });
  }

  onApplicationBootstrap(): void {
    this.task?.start(60_000);
  }

  onApplicationShutdown(): Promise<void> | undefined {
    return this.task?.stop();
  }
}
