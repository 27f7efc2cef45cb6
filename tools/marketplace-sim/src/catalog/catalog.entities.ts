import { catalogError } from '../aws-errors';
import type { SimState } from '../state';
import { findProduct, legalName } from '../world';
import { arn, CATALOG, isoSeconds } from './catalog.ids';
import { offerExtendedStatus, RA_ENTITY_TYPE, renderRa } from './resale-authorization';

type Doc = Record<string, unknown>;

/** The Catalog API's entities: DescribeEntity and ListEntities of resale authorizations, products and offers. */
export class CatalogEntities {
  constructor(private readonly state: SimState) {}

  describeEntity(accountId: string, catalog: unknown, entityId: unknown): Doc {
    if (catalog !== CATALOG) throw catalogError.validation('catalog must be AWSMarketplace');
    if (typeof entityId !== 'string' || !entityId) throw catalogError.validation('entityId is required');
    const id = entityId.replace(/@\d+$/, '');
    const ra = this.state.resaleAuthorizations.get(id);
    if (ra) {
      if (ra.manufacturerAccountId !== accountId && ra.resellerAccountId !== accountId) {
        throw catalogError.accessDenied(`You are not authorized to describe ${entityId}`);
      }
      const details = renderRa(ra, this.state.world, findProduct(this.state.world, ra.productId)?.product);
      return this.entity(
        RA_ENTITY_TYPE,
        `${ra.id}@${ra.revision}`,
        arn(ra.manufacturerAccountId, 'ResaleAuthorization', ra.id),
        ra.lastModifiedDate,
        details,
      );
    }
    const offer = this.state.offers.get(id);
    if (offer) {
      const allowed =
        offer.partnerAccountId === accountId ||
        (offer.manufacturerAccountId === accountId && this.state.config.manufacturerCanDescribePartnerOffers);
      if (!allowed) throw catalogError.accessDenied(`You are not authorized to describe ${entityId}`);
      return this.entity(
        'Offer@1.0',
        `${offer.id}@1`,
        arn(offer.partnerAccountId, 'Offer', offer.id),
        offer.createdDate,
        {
          Id: offer.id,
          Name: offer.name,
          ProductId: offer.productId,
          ResaleAuthorizationId: offer.resaleAuthorizationId,
          State: offer.state,
          Targeting: ['BuyerAccounts'],
          Rules: [
            { Type: 'TargetingRule', PositiveTargeting: { BuyerAccounts: offer.buyerAccountIds } },
            { Type: 'AvailabilityRule', AvailabilityEndDate: offer.expirationDate },
          ],
        },
      );
    }
    const found = findProduct(this.state.world, id);
    if (found && found.product.id === id) {
      if (found.seller.accountId !== accountId)
        throw catalogError.accessDenied(`You are not authorized to describe ${entityId}`);
      const { product } = found;
      return this.entity(
        `${product.type}@1.0`,
        `${product.id}@1`,
        arn(found.seller.accountId, product.type, product.id),
        isoSeconds(),
        {
          // As AWS renders a SaaS product: the product code sits under Description.
          Description: { ProductTitle: product.title, Visibility: product.status, ProductCode: product.code },
          Dimensions: product.dimensions.map((d) => ({
            Key: d.key,
            Name: d.name,
            Description: d.description ?? d.name,
            Unit: d.unit,
            Types: d.types,
          })),
          ManufacturerLegalName: legalName(this.state.world, found.seller.accountId),
        },
      );
    }
    throw catalogError.notFound(`Entity ${entityId} was not found`);
  }

  listEntities(accountId: string, input: Doc): Doc {
    if (input['Catalog'] !== CATALOG) throw catalogError.validation('Catalog must be AWSMarketplace');
    const entityType = String(input['EntityType']);
    const max = Number(input['MaxResults'] ?? 20);
    if (!Number.isInteger(max) || max < 1 || max > 50)
      throw catalogError.validation('MaxResults must be 1-50');
    const shared = input['OwnershipType'] === 'SHARED';
    const filters = (input['FilterList'] as Doc[] | undefined) ?? [];
    let summaries: Doc[];
    if (entityType === 'ResaleAuthorization') {
      const ras = [...this.state.resaleAuthorizations.values()].filter((ra) =>
        shared
          ? ra.resellerAccountId === accountId && ra.status !== 'Draft'
          : ra.manufacturerAccountId === accountId,
      );
      summaries = ras.map((ra) => ({
        Name: ra.name,
        EntityType: 'ResaleAuthorization',
        EntityId: ra.id,
        EntityArn: arn(ra.manufacturerAccountId, 'ResaleAuthorization', ra.id),
        LastModifiedDate: ra.lastModifiedDate,
        ResaleAuthorizationSummary: {
          Name: ra.name,
          ProductId: ra.productId,
          ProductName: findProduct(this.state.world, ra.productId)?.product.title,
          ManufacturerAccountId: ra.manufacturerAccountId,
          ManufacturerLegalName: legalName(this.state.world, ra.manufacturerAccountId),
          ResellerAccountID: ra.resellerAccountId,
          ResellerLegalName: legalName(this.state.world, ra.resellerAccountId),
          Status: ra.status,
          OfferExtendedStatus: offerExtendedStatus(ra),
          CreatedDate: ra.createdDate,
          AvailabilityEndDate: ra.availabilityEndDate ? `${ra.availabilityEndDate}T23:59:59Z` : undefined,
        },
      }));
    } else if (entityType === 'SaaSProduct') {
      const seller = this.state.world.sellers.find((s) => s.accountId === accountId);
      summaries = (seller?.products ?? []).map((p) => ({
        Name: p.title,
        EntityType: 'SaaSProduct',
        EntityId: p.id,
        EntityArn: arn(accountId, 'SaaSProduct', p.id),
        LastModifiedDate: isoSeconds(),
        Visibility: p.status,
      }));
    } else {
      throw catalogError.validation(`EntityType ${entityType} is not supported by the simulator`);
    }
    // FilterList takes EntityId only; resale-authorization fields go in EntityTypeFilters (AWS's model).
    for (const filter of filters) {
      if (filter['Name'] !== 'EntityId')
        throw catalogError.validation(
          `FilterList supports only EntityId; filter ${String(filter['Name'])} through EntityTypeFilters`,
        );
      const values = (filter['ValueList'] as string[] | undefined) ?? [];
      summaries = summaries.filter((s) => values.includes(String(s['EntityId'])));
    }
    const raFilters =
      ((input['EntityTypeFilters'] as Doc | undefined)?.['ResaleAuthorizationFilters'] as
        | Record<string, Doc>
        | undefined) ?? {};
    for (const [field, filter] of Object.entries(raFilters)) {
      const key = field === 'EntityId' ? 'EntityId' : field;
      const values = filter['ValueList'] as string[] | undefined;
      const wildcard = filter['WildCardValue'] as string | undefined;
      const range = filter['DateRange'] as { AfterValue?: string; BeforeValue?: string } | undefined;
      summaries = summaries.filter((s) => {
        const summary = s['ResaleAuthorizationSummary'] as Doc | undefined;
        const value = String((key === 'EntityId' ? s['EntityId'] : summary?.[key]) ?? '');
        if (values) return values.includes(value);
        if (wildcard !== undefined) return value.includes(wildcard.replace(/\*/g, ''));
        if (range)
          return (
            (!range.AfterValue || value >= range.AfterValue) &&
            (!range.BeforeValue || value <= range.BeforeValue)
          );
        return true;
      });
    }
    const sort = (input['EntityTypeSort'] as Doc | undefined)?.['ResaleAuthorizationSort'] as Doc | undefined;
    if (sort?.['SortBy']) {
      const by = String(sort['SortBy']);
      const direction = sort['SortOrder'] === 'DESCENDING' ? -1 : 1;
      const of = (s: Doc) =>
        String(
          (by === 'EntityId' ? s['EntityId'] : (s['ResaleAuthorizationSummary'] as Doc | undefined)?.[by]) ??
            '',
        );
      summaries.sort((a, b) => direction * of(a).localeCompare(of(b)));
    }
    const start = Number(input['NextToken'] ?? 0);
    return {
      EntitySummaryList: summaries.slice(start, start + max),
      NextToken: start + max < summaries.length ? String(start + max) : undefined,
    };
  }

  private entity(type: string, identifier: string, entityArn: string, modified: string, details: Doc): Doc {
    return {
      EntityType: type,
      EntityIdentifier: identifier,
      EntityArn: entityArn,
      LastModifiedDate: modified,
      Details: JSON.stringify(details),
      DetailsDocument: details,
    };
  }
}
