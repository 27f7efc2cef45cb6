import { Injectable, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { when } from '../condition';
import { OutboxDispatcher } from '../outbox-dispatcher';
import {
  BuyerRegistration,
  BuyerRegistrationStatus,
  RegistrationSettings,
} from '../schemas/buyer-registration.schema';
import type { OutboxEvent } from '../schemas/outbox-event.schema';
import { findOrgDoc, str } from './query';
import { updateWhere } from './write';

/** `buyer_registrations` and `registration_settings` (written by the entitlement service only). */
@Injectable()
export class BuyerRegistrationRepository {
  constructor(
    @InjectModel(BuyerRegistration.name) private readonly model: Model<BuyerRegistration>,
    @InjectModel(RegistrationSettings.name) private readonly settings: Model<RegistrationSettings>,
    @Optional() private readonly outbox?: OutboxDispatcher,
  ) {}

  async signupUrl(orgId: string): Promise<string | undefined> {
    const found = await this.settings
      .findOne({ _id: str(orgId, 'orgId') })
      .lean()
      .exec();
    return found?.signupUrl;
  }

  async setSignupUrl(orgId: string, signupUrl: string): Promise<void> {
    await this.settings
      .updateOne(
        { _id: str(orgId, 'orgId') },
        { $set: { signupUrl: str(signupUrl, 'signupUrl') } },
        { upsert: true },
      )
      .exec();
  }

  async create(registration: Omit<BuyerRegistration, 'outbox' | 'createdAt'>): Promise<void> {
    await this.model.create({ ...registration, outbox: [] });
  }

  /** One of the org's registrations; another org's is absent. */
  find(orgId: string, id: string): Promise<BuyerRegistration | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  /** RESOLVED → PENDING with the tenant, once: null when it was redeemed already (or is another org's). */
  redeem(orgId: string, id: string, tenantId: string): Promise<BuyerRegistration | null> {
    return this.transition(orgId, id, BuyerRegistrationStatus.RESOLVED, {
      status: BuyerRegistrationStatus.PENDING,
      tenantId: str(tenantId, 'tenantId'),
      redeemedAt: new Date(),
    });
  }

  /** PENDING → LINKED with the entitlement, and the event that says so (once: a second link is a no-op). */
  linked(
    orgId: string,
    id: string,
    entitlementId: string,
    events: OutboxEvent[],
  ): Promise<BuyerRegistration | null> {
    return this.transition(
      orgId,
      id,
      BuyerRegistrationStatus.PENDING,
      { status: BuyerRegistrationStatus.LINKED, entitlementId },
      events,
    );
  }

  failed(orgId: string, id: string, reason: string): Promise<BuyerRegistration | null> {
    return this.transition(orgId, id, BuyerRegistrationStatus.PENDING, {
      status: BuyerRegistrationStatus.FAILED,
      reason,
    });
  }

  /** One of the org's registrations from `from` to what `set` says, with its events; null when not in `from`. */
  private transition(
    orgId: string,
    id: string,
    from: BuyerRegistrationStatus,
    set: Record<string, unknown>,
    events: OutboxEvent[] = [],
  ): Promise<BuyerRegistration | null> {
    return updateWhere(
      this.model,
      str(id, 'id'),
      when.all(when.equals('orgId', str(orgId, 'orgId')), when.equals('status', from)),
      { set },
      events,
      this.outbox,
    );
  }

  /** Registrations redeemed and waiting for their entitlement: one org's, or (no org) anyone's. */
  pending(orgId?: string, limit = 100): Promise<BuyerRegistration[]> {
    return this.model
      .find({
        ...(orgId !== undefined ? { orgId: str(orgId, 'orgId') } : {}),
        status: BuyerRegistrationStatus.PENDING,
      })
      .limit(limit)
      .lean()
      .exec();
  }
}
