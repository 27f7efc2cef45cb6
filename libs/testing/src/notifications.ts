import { notificationFixtures as fx } from '@cppo/contracts/testing';

/**
 * The i-th of a run of distinct `Purchase Agreement Created - Manufacturer` notifications (own event id,
 * own agreement id), as load tests and the benchmark send them.
 */
export function numberedAgreementNotification(i: number, run: string): string {
  const template = fx.agreementCreatedManufacturer;
  return JSON.stringify({
    ...template,
    id: `${run}-${i}`,
    detail: { ...template.detail, agreement: { ...template.detail.agreement, id: `agmt-${run}${i}` } },
  });
}
