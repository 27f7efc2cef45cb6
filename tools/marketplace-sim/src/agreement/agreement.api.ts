import { jsonError, epoch, type Doc } from '../json-api';
import type { AgreementRecord, SimState } from '../state';

/**
 * The Agreement API (JSON 1.0): DescribeAgreement, GetAgreementTerms, SearchAgreements — answered to the
 * parties of an agreement (proposer and acceptor), as AWS documents; the manufacturer of a partner's
 * agreement only when `manufacturerCanReadAgreements` is on.
 */
export class AgreementApi {
  constructor(private readonly state: SimState) {}

  describeAgreement(caller: string, input: Doc): Doc {
    const a = this.readableAgreement(caller, input['agreementId']);
    return {
      agreementId: a.id,
      acceptor: { accountId: a.acceptorAccountId },
      proposer: { accountId: a.proposerAccountId },
      startTime: epoch(a.startTime),
      endTime: epoch(a.endTime),
      acceptanceTime: epoch(a.acceptanceTime),
      agreementType: 'PurchaseAgreement',
      estimatedCharges: { currencyCode: a.currencyCode, agreementValue: a.agreementValue },
      proposalSummary: { offerId: a.offerId, resources: [{ id: a.productId, type: 'SaaSProduct' }] },
      status: a.status,
    };
  }

  getAgreementTerms(caller: string, input: Doc): Doc {
    const a = this.readableAgreement(caller, input['agreementId']);
    const max = Number(input['maxResults'] ?? 50);
    if (!Number.isInteger(max) || max < 1 || max > 50)
      throw jsonError('ValidationException', 'maxResults must be 1-50', 400, {
        reason: 'INVALID_MAX_RESULTS',
      });
    const start = Number(input['nextToken'] ?? 0);
    return {
      acceptedTerms: a.acceptedTerms.slice(start, start + max),
      nextToken: start + max < a.acceptedTerms.length ? String(start + max) : undefined,
    };
  }

  searchAgreements(caller: string, input: Doc): Doc {
    if (input['catalog'] !== 'AWSMarketplace')
      throw jsonError('ValidationException', 'catalog must be AWSMarketplace', 400, {
        reason: 'INVALID_CATALOG',
      });
    const filters = (input['filters'] as Doc[] | undefined) ?? [];
    const value = (name: string) =>
      (filters.find((f) => f['name'] === name)?.['values'] as string[] | undefined)?.[0];
    const party = value('PartyType');
    if (!party || !['Proposer', 'Acceptor'].includes(party)) {
      throw jsonError('ValidationException', 'filter PartyType (Proposer or Acceptor) is required', 400, {
        reason: 'UNSUPPORTED_FILTERS',
      });
    }
    if (!value('AgreementType'))
      throw jsonError('ValidationException', 'filter AgreementType is required', 400, {
        reason: 'UNSUPPORTED_FILTERS',
      });
    let list = [...this.state.agreements.values()].filter(
      (a) => (party === 'Proposer' ? a.proposerAccountId : a.acceptorAccountId) === caller,
    );
    // Date filters are ISO-8601 strings.
    const at = (v: string) => {
      const time = Date.parse(v);
      if (Number.isNaN(time))
        throw jsonError('ValidationException', `${v} is not an ISO-8601 date-time`, 400, {
          reason: 'INVALID_FILTER_VALUES',
        });
      return time;
    };
    const initial = (a: AgreementRecord): string => {
      const previous = a.previousAgreementId ? this.state.agreements.get(a.previousAgreementId) : undefined;
      return previous ? initial(previous) : a.id;
    };
    const checks: Record<string, (a: AgreementRecord, v: string) => boolean> = {
      AgreementType: (_a, v) => v === 'PurchaseAgreement',
      OfferId: (a, v) => a.offerId === v,
      OfferSetId: (a, v) => a.offerSetId === v,
      Status: (a, v) => a.status === v,
      AcceptorAccountId: (a, v) => a.acceptorAccountId === v,
      ResourceIdentifier: (a, v) => a.productId === v,
      ResourceType: (_a, v) => v === 'SaaSProduct',
      LicenseArn: (a, v) => a.licenseArn === v,
      InitialAgreementId: (a, v) => initial(a) === v,
      BeforeEndTime: (a, v) => !!a.endTime && Date.parse(a.endTime) <= at(v),
      AfterEndTime: (a, v) => !!a.endTime && Date.parse(a.endTime) >= at(v),
      BeforeStartTime: (a, v) => Date.parse(a.startTime) <= at(v),
      AfterStartTime: (a, v) => Date.parse(a.startTime) >= at(v),
    };
    for (const filter of filters) {
      const name = String(filter['name']);
      if (name === 'PartyType') continue;
      const check = checks[name];
      if (!check)
        throw jsonError('ValidationException', `unsupported filter ${name}`, 400, {
          reason: 'INVALID_FILTER_NAME',
        });
      list = list.filter((a) => check(a, String((filter['values'] as string[])[0])));
    }
    const sort = input['sort'] as Doc | undefined;
    const by = sort?.['sortBy'] === 'StartTime' ? 'startTime' : 'endTime';
    // Ascending unless asked otherwise (the 2026 model's default).
    const direction = sort?.['sortOrder'] === 'DESCENDING' ? -1 : 1;
    list.sort((x, y) => direction * String(x[by] ?? '').localeCompare(String(y[by] ?? '')));
    const max = Number(input['maxResults'] ?? 50);
    const start = Number(input['nextToken'] ?? 0);
    return {
      agreementViewSummaries: list.slice(start, start + max).map((a) => ({
        agreementId: a.id,
        acceptanceTime: epoch(a.acceptanceTime),
        startTime: epoch(a.startTime),
        endTime: epoch(a.endTime),
        agreementType: 'PurchaseAgreement',
        acceptor: { accountId: a.acceptorAccountId },
        proposer: { accountId: a.proposerAccountId },
        proposalSummary: { offerId: a.offerId, resources: [{ id: a.productId, type: 'SaaSProduct' }] },
        status: a.status,
      })),
      nextToken: start + max < list.length ? String(start + max) : undefined,
    };
  }

  private readableAgreement(caller: string, agreementId: unknown): AgreementRecord {
    if (typeof agreementId !== 'string' || !/^agmt-[a-zA-Z0-9]+$/.test(agreementId)) {
      throw jsonError('ValidationException', 'agreementId is invalid', 400, {
        reason: 'INVALID_AGREEMENT_ID',
      });
    }
    const agreement = this.state.agreements.get(agreementId);
    if (!agreement)
      throw jsonError('ResourceNotFoundException', `Agreement ${agreementId} not found`, 404, {
        resourceId: agreementId,
        resourceType: 'Agreement',
      });
    const party = agreement.acceptorAccountId === caller || agreement.proposerAccountId === caller;
    const manufacturer =
      agreement.manufacturerAccountId === caller && this.state.config.manufacturerCanReadAgreements;
    if (!party && !manufacturer)
      throw jsonError('AccessDeniedException', `You are not a party to agreement ${agreementId}`, 403);
    return agreement;
  }
}
