import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import {
  BuyerRegistrationRepository,
  BuyerRegistrationStatus,
  EntitlementRepository,
  newId,
} from '@cppo/persistence';
import { createTestOrg, randomAccountId, startTestApp, type TestApp } from '@cppo/platform/testing';
import { AppModule } from '../app.module';
import { LandingService } from './landing.service';

/**
 * A registration redeemed before its entitlement, where the entitlement's own event did not link it (the
 * replica had just seen the org without pending registrations): the sweep links it.
 */
describe('registration landing: pending registrations are linked by the sweep (Mongo provider)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp(AppModule, {
      MARKETPLACE_ENDPOINT: 'http://127.0.0.1:9', // no AWS needed: nothing here resolves a token
      AWS_MAX_RETRIES: '0',
      ENTITLEMENT_SWEEP_MS: '3600000',
    });
  });

  afterAll(() => sut.close());

  it('an entitlement event skips an org seen without pending registrations; the sweep links what it skipped', async () => {
    const { orgId } = await createTestOrg(sut.app, randomAccountId());
    const buyer = randomAccountId();
    const licenseArn = `arn:aws:license-manager::${buyer}:license:l-${newId('x').slice(2)}`;
    const entitlementId = newId('ent');
    await sut.app
      .get<Connection>(getConnectionToken())
      .collection('entitlements')
      .insertOne({
        _id: entitlementId as never,
        orgId,
        agreementId: `agmt-${entitlementId}`,
        version: 1,
        status: 'ACTIVE',
        type: 'CPPO',
        buyerAccountId: buyer,
        licenseArn,
        productCode: 'prodcode1',
        facts: [],
        outbox: [],
      });
    const landing = sut.app.get(LandingService);
    await landing.entitlementChanged(orgId, entitlementId); // none pending: remembered for a while

    const registrationId = `reg_${newId('x').slice(2)}`;
    const registrations = sut.app.get(BuyerRegistrationRepository);
    await registrations.create({
      _id: registrationId,
      orgId,
      status: BuyerRegistrationStatus.PENDING, // redeemed on another replica
      customerAwsAccountId: buyer,
      productCode: 'prodcode1',
      licenseArn,
      tenantId: 'tenant-swept',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    await landing.entitlementChanged(orgId, entitlementId);
    expect((await registrations.find(orgId, registrationId))?.status).toBe(BuyerRegistrationStatus.PENDING);

    await landing.sweepPending();
    expect(await registrations.find(orgId, registrationId)).toMatchObject({
      status: BuyerRegistrationStatus.LINKED,
      entitlementId,
    });
    expect(await sut.app.get(EntitlementRepository).findById(orgId, entitlementId)).toMatchObject({
      tenantId: 'tenant-swept',
    });
  });
});
