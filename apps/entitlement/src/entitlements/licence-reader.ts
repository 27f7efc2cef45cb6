import { Injectable, Logger } from '@nestjs/common';
import { classifyAwsError, EntitlementGateway } from '@cppo/marketplace';
import type { DimensionQuantity, LicenceState } from '@cppo/persistence';

/**
 * Reads what a buyer's licence entitles to from the Entitlement Service (GetEntitlements filtered by the
 * licence ARN, as the product's seller): the quantities AWS enforces — for a per-unit contract, those the
 * buyer chose — and the only source the ISV of a CPPO may read (the Agreement API answers the partner and
 * the buyer). Numeric values are quantities; a flag or text value is not a quantity and is left out.
 * Throttling, 5xx and network errors leave it due for the sweeper; another refusal is recorded with its
 * reason.
 */
@Injectable()
export class LicenceReader {
  private readonly logger = new Logger(LicenceReader.name);

  constructor(private readonly gateway: EntitlementGateway) {}

  /** The licence's state now, or undefined when AWS could not be asked now (try again later). */
  async read(orgId: string, productCode: string, licenseArn: string): Promise<LicenceState | undefined> {
    try {
      const found = await this.gateway.entitlements(orgId, productCode, { licenseArn });
      const grants: DimensionQuantity[] = found
        .filter((e) => typeof e.value === 'number')
        .map((e) => ({ dimensionKey: e.dimension, quantity: e.value as number }));
      const expiries = found.flatMap((e) => (e.expiresAt ? [new Date(e.expiresAt).getTime()] : []));
      return {
        status: 'OK',
        at: new Date(),
        grants,
        ...(expiries.length ? { expiresAt: new Date(Math.min(...expiries)) } : {}),
      };
    } catch (error) {
      const e = error as Error;
      if (classifyAwsError(error) !== 'client') {
        this.logger.warn(`Entitlement Service for ${licenseArn} unavailable (${e.name}): will try again`);
        return undefined;
      }
      return { status: 'UNAVAILABLE', at: new Date(), reason: `${e.name}: ${e.message}` };
    }
  }
}
