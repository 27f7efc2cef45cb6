import { EventPattern, Payload } from '@nestjs/microservices';
import { RoutingKeys, type EntitlementEventV1, type MessageEnvelope } from '@cppo/contracts';
import { MessageConsumer } from '@cppo/messaging';
import { LandingService } from './landing.service';

export const REGISTRATION_SUBSCRIPTIONS = [
  RoutingKeys.EntitlementCreated,
  RoutingKeys.EntitlementActivated,
  RoutingKeys.EntitlementUpdated,
] as const;

/** Queue `entitlement.events` (with the agreement facts): an entitlement that arrives links the registrations waiting for it. */
@MessageConsumer()
export class RegistrationEventsConsumer {
  constructor(private readonly landing: LandingService) {}

  @EventPattern([...REGISTRATION_SUBSCRIPTIONS])
  async entitlement(@Payload() e: MessageEnvelope<EntitlementEventV1>): Promise<void> {
    await this.landing.entitlementChanged(e.orgId, e.payload.entitlementId);
  }
}
