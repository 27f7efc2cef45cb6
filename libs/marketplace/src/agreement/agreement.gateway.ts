import { Injectable } from '@nestjs/common';
import {
  DescribeAgreementCommand,
  GetAgreementTermsCommand,
  type AcceptedTerm,
  type MarketplaceAgreementClient,
} from '@aws-sdk/client-marketplace-agreement';
import { AwsServiceEnv } from '@cppo/runtime';
import { AwsGateway } from '../aws-gateway';
import { createAgreementClient } from '../clients';
import { OrgAwsAccess } from '../org-aws-access';

/** What the Agreement API says a buyer accepted (DescribeAgreement + every page of GetAgreementTerms). */
export interface AgreementSnapshot {
  /** The accepted terms as AWS words them, as plain JSON records (kept as received). */
  acceptedTerms: Record<string, unknown>[];
  currencyCode?: string;
  agreementValue?: string;
  startTime?: Date;
  endTime?: Date;
}

/** The Agreement API: what a buyer accepted, for the parties to the agreement. */
@Injectable()
export class AgreementGateway extends AwsGateway<MarketplaceAgreementClient> {
  constructor(env: AwsServiceEnv, access: OrgAwsAccess) {
    super(env, access, createAgreementClient);
  }

  async agreement(orgId: string, agreementId: string): Promise<AgreementSnapshot> {
    const described = await this.call(orgId, 'DescribeAgreement', (client) =>
      client.send(new DescribeAgreementCommand({ agreementId })),
    );
    const acceptedTerms = await this.acceptedTerms(orgId, agreementId);
    return {
      acceptedTerms: JSON.parse(JSON.stringify(acceptedTerms)) as Record<string, unknown>[],
      currencyCode: described.estimatedCharges?.currencyCode,
      agreementValue: described.estimatedCharges?.agreementValue,
      startTime: described.startTime,
      endTime: described.endTime,
    };
  }

  /** Every accepted term, all pages. */
  private async acceptedTerms(orgId: string, agreementId: string): Promise<AcceptedTerm[]> {
    const terms: AcceptedTerm[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.call(orgId, 'GetAgreementTerms', (client) =>
        client.send(new GetAgreementTermsCommand({ agreementId, maxResults: 50, nextToken })),
      );
      terms.push(...(page.acceptedTerms ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return terms;
  }
}
