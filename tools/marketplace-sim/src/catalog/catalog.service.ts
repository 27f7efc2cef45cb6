import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { catalogError } from '../aws-errors';
import { must } from '../must';
import { eventBridgeEvent, type EventBus } from '../events';
import type { ChangeRecord, ChangeSetRecord, SimState } from '../state';
import { findProduct, legalName } from '../world';
import {
  applyChange,
  businessErrors,
  cloneRa,
  newRa,
  offerExtendedStatus,
  RA_CHANGE_TYPES,
  RA_ENTITY_TYPE,
  renderRa,
  schemaProblems,
  type RaChangeType,
  type ResaleAuthorization,
} from './resale-authorization';

type Doc = Record<string, unknown>;

const CATALOG = 'AWSMarketplace';
const REFERENCE = /^\$([A-Za-z0-9_-]+)\.Entity\.Identifier$/;
const CHANGE_SET_NAME = /^[\w\s+=.:@-]{1,100}$/;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

export function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function isoSeconds(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function arn(accountId: string, kind: string, id: string): string {
  return `arn:aws:aws-marketplace:us-east-1:${accountId}:AWSMarketplace/${kind}/${id}`;
}

/** The Catalog API for resale authorizations, SaaS products and (read-only) partner offers. */
export class CatalogService {
  constructor(
    private readonly state: SimState,
    private readonly events: EventBus,
  ) {}

  startChangeSet(accountId: string, input: Doc): { ChangeSetId: string; ChangeSetArn: string } {
    if (input['Catalog'] !== CATALOG) throw catalogError.validation('Catalog must be AWSMarketplace');
    if (input['Intent'] !== undefined && input['Intent'] !== 'APPLY') {
      throw catalogError.validation(
        'Intent VALIDATE is only available for adding versions to single-AMI products',
      );
    }
    const name = input['ChangeSetName'];
    if (name !== undefined && (typeof name !== 'string' || !CHANGE_SET_NAME.test(name))) {
      throw catalogError.validation('ChangeSetName must be 1-100 characters matching ^[\\w\\s+=.:@-]+$');
    }
    const token = input['ClientRequestToken'];
    if (token !== undefined && (typeof token !== 'string' || !CLIENT_TOKEN.test(token))) {
      throw catalogError.validation('ClientRequestToken must be 1-64 printable ASCII characters');
    }
    const requestHash = createHash('sha256')
      .update(JSON.stringify([input['ChangeSet'], name]))
      .digest('hex');
    if (typeof token === 'string') {
      const seen = this.state.clientTokens.get(`${accountId}:${token}`);
      if (seen) {
        // AWS does not document a replay with a different payload; we refuse it rather than guess.
        if (seen.requestHash !== requestHash) {
          throw catalogError.validation('ClientRequestToken was already used with a different request');
        }
        return { ChangeSetId: seen.changeSetId, ChangeSetArn: arn(accountId, 'ChangeSet', seen.changeSetId) };
      }
    }
    const changes = this.checkChanges(accountId, input['ChangeSet']);
    const locked = this.state.lockedEntities();
    const existing = [
      ...new Set(
        changes.map((c) => c.Entity.Identifier).filter((id): id is string => !!id && !REFERENCE.test(id)),
      ),
    ];
    const busy = existing.find((id) => locked.has(id));
    if (busy)
      throw catalogError.inUse(`The entity ${busy} is locked by another change set that is in progress`);

    const id = randomId(25);
    const record: ChangeSetRecord = {
      id,
      arn: arn(accountId, 'ChangeSet', id),
      name: name as string | undefined,
      accountId,
      status: 'PREPARING',
      startTime: isoSeconds(),
      changes,
      lockedEntityIds: existing,
      timers: [],
    };
    this.state.changeSets.set(id, record);
    if (typeof token === 'string')
      this.state.clientTokens.set(`${accountId}:${token}`, { changeSetId: id, requestHash });
    const delay = this.state.config.changeSetDelayMs;
    record.timers.push(
      setTimeout(() => {
        if (record.status === 'PREPARING') record.status = 'APPLYING';
      }, delay / 2),
      setTimeout(() => void this.complete(record), delay),
    );
    return { ChangeSetId: id, ChangeSetArn: record.arn };
  }

  /** Synchronous validation (422/403/404), and `$Name.Entity.Identifier` references. */
  private checkChanges(accountId: string, changeSet: unknown): ChangeRecord[] {
    if (!Array.isArray(changeSet) || changeSet.length < 1 || changeSet.length > 20) {
      throw catalogError.validation('ChangeSet must contain 1-20 changes');
    }
    const names = new Map<string, string>(); // ChangeName → ChangeType
    const seen = new Set<string>();
    return changeSet.map((raw: unknown, index: number): ChangeRecord => {
      if (typeof raw !== 'object' || raw === null)
        throw catalogError.validation(`ChangeSet[${index}] must be an object`);
      const change = raw as Doc;
      const changeType = change['ChangeType'];
      if (typeof changeType !== 'string' || !/^[A-Z]\w{0,254}$/.test(changeType)) {
        throw catalogError.validation(`ChangeSet[${index}].ChangeType is required`);
      }
      if (!RA_CHANGE_TYPES.includes(changeType as RaChangeType)) {
        throw catalogError.validation(`ChangeSet[${index}]: unsupported ChangeType ${changeType}`);
      }
      const entity = change['Entity'] as Doc | undefined;
      if (!entity || entity['Type'] !== RA_ENTITY_TYPE) {
        throw catalogError.validation(
          `ChangeSet[${index}].Entity.Type must be ${RA_ENTITY_TYPE} for ${changeType}`,
        );
      }
      if (change['Details'] !== undefined && change['DetailsDocument'] !== undefined) {
        throw catalogError.validation(
          `ChangeSet[${index}]: send either Details or DetailsDocument, not both`,
        );
      }
      let details: unknown = change['DetailsDocument'];
      if (typeof change['Details'] === 'string') {
        try {
          details = JSON.parse(change['Details']);
        } catch {
          throw catalogError.validation(`ChangeSet[${index}].Details is not valid JSON`);
        }
      }
      details ??= {};
      const problems = schemaProblems(
        changeType as RaChangeType,
        details,
        isoSeconds().slice(0, 10),
        this.state.config.strictIntegers,
      );
      if (problems.length) {
        throw catalogError.validation(`ChangeSet[${index}] ${changeType}: ${problems.join('; ')}`);
      }
      const changeName = change['ChangeName'];
      if (changeName !== undefined) {
        if (typeof changeName !== 'string' || !/^[A-Za-z0-9_-]{1,72}$/.test(changeName)) {
          throw catalogError.validation(
            `ChangeSet[${index}].ChangeName must be 1-72 letters, digits, _ or -`,
          );
        }
        if (names.has(changeName)) throw catalogError.validation(`ChangeName ${changeName} is used twice`);
        names.set(changeName, changeType);
      }
      const identifier = entity['Identifier'];
      if (changeType === 'CreateResaleAuthorization') {
        if (identifier !== undefined)
          throw catalogError.validation(`ChangeSet[${index}]: Create must not have an Entity.Identifier`);
        this.checkProduct(accountId, String((details as Doc)['ProductId']));
      } else {
        if (typeof identifier !== 'string' || !identifier) {
          throw catalogError.validation(
            `ChangeSet[${index}].Entity.Identifier is required for ${changeType}`,
          );
        }
        const reference = REFERENCE.exec(identifier);
        if (reference) {
          if (names.get(reference[1]) !== 'CreateResaleAuthorization') {
            throw catalogError.validation(
              `ChangeSet[${index}]: ${identifier} does not reference an earlier CreateResaleAuthorization`,
            );
          }
        } else {
          const ra = this.state.resaleAuthorizations.get(identifier.replace(/@\d+$/, ''));
          if (!ra || ra.manufacturerAccountId !== accountId) {
            throw catalogError.notFound(`Entity ${identifier} of type ${RA_ENTITY_TYPE} was not found`);
          }
        }
        const key = `${changeType}|${identifier.replace(/@\d+$/, '')}`;
        if (seen.has(key))
          throw catalogError.validation(
            `ChangeSet[${index}]: ${changeType} is applied twice to the same entity`,
          );
        seen.add(key);
      }
      return {
        ChangeType: changeType,
        ChangeName: changeName as string | undefined,
        Entity: {
          Type: RA_ENTITY_TYPE,
          Identifier: typeof identifier === 'string' ? identifier.replace(/@\d+$/, '') : undefined,
        },
        DetailsDocument: details as Doc,
        ErrorDetailList: [],
      };
    });
  }

  private checkProduct(accountId: string, productId: string): void {
    const found = findProduct(this.state.world, productId);
    if (!found || found.product.status === 'Draft') {
      throw catalogError.notFound(`Product ${productId} was not found or does not support resale`);
    }
    if (found.seller.accountId !== accountId) {
      throw catalogError.accessDenied(
        `You are not authorized to create resale authorizations for product ${productId}`,
      );
    }
  }

  /** Applies the whole change set to working copies; commits only if no change has an error. */
  private async complete(record: ChangeSetRecord): Promise<void> {
    if (record.status !== 'PREPARING' && record.status !== 'APPLYING') return;
    const today = new Date(this.state.now()).toISOString().slice(0, 10);
    const working = new Map<
      string,
      { ra: ResaleAuthorization; statusBefore?: ResaleAuthorization['status'] }
    >();
    const byName = new Map<string, string>();
    const resolved: string[] = [];
    for (const change of record.changes) {
      let id: string;
      if (change.ChangeType === 'CreateResaleAuthorization') {
        id = `resaleauthz-${randomId(13)}`;
        working.set(id, { ra: newRa(id, record.accountId, change.DetailsDocument, isoSeconds()) });
        if (change.ChangeName) byName.set(change.ChangeName, id);
      } else {
        const reference = REFERENCE.exec(change.Entity.Identifier ?? '');
        id = must(reference ? byName.get(reference[1]) : change.Entity.Identifier, 'change entity');
        if (!working.has(id)) {
          const current = must(this.state.resaleAuthorizations.get(id), `authorization ${id}`);
          working.set(id, { ra: cloneRa(current), statusBefore: current.status });
        }
        applyChange(must(working.get(id), id).ra, change.ChangeType as RaChangeType, change.DetailsDocument);
      }
      resolved.push(id);
    }
    let failed = false;
    record.changes.forEach((change, i) => {
      const entry = must(working.get(resolved[i]), resolved[i]);
      const product = findProduct(this.state.world, entry.ra.productId)?.product;
      change.ErrorDetailList = businessErrors(entry.ra, change.ChangeType as RaChangeType, {
        world: this.state.world,
        product,
        statusBefore: entry.statusBefore,
        today,
        fixedUpfrontRequiresSchedule: this.state.config.fixedUpfrontRequiresSchedule,
      });
      if (change.ErrorDetailList.length) failed = true;
      change.Entity.Identifier = resolved[i];
    });
    if (failed) {
      record.status = 'FAILED';
      record.failureCode = 'CLIENT_ERROR';
      record.failureDescription = 'One or more changes failed validation; see ErrorDetailList';
    } else {
      const now = isoSeconds();
      for (const { ra } of working.values()) {
        ra.revision += 1;
        ra.lastModifiedDate = now;
        this.state.resaleAuthorizations.set(ra.id, ra);
      }
      record.status = 'SUCCEEDED';
      // As AWS echoes it: a succeeded Create carries a BulkRequestId.
      for (const change of record.changes)
        if (change.ChangeType === 'CreateResaleAuthorization')
          change.DetailsDocument = {
            ...change.DetailsDocument,
            BulkRequestId: change.DetailsDocument['BulkRequestId'] ?? randomUUID(),
          };
    }
    record.endTime = isoSeconds();
    await this.emitResult(record);
  }

  private async emitResult(record: ChangeSetRecord): Promise<void> {
    const detailType = {
      SUCCEEDED: 'Change Set Succeeded',
      FAILED: 'Change Set Failed',
      CANCELLED: 'Change Set Cancelled',
    }[record.status as 'SUCCEEDED' | 'FAILED' | 'CANCELLED'];
    const detail: Doc = {
      Catalog: CATALOG,
      ChangeSetId: record.id,
      ChangeSetName: record.name,
      StartTime: record.startTime,
      EndTime: record.endTime,
    };
    if (record.failureCode) detail['FailureCode'] = record.failureCode;
    await this.events.emit(
      'eventbridge',
      detailType,
      eventBridgeEvent('aws.marketplacecatalog', detailType, record.accountId, [record.arn], detail),
    );
  }

  describeChangeSet(accountId: string, catalog: unknown, changeSetId: unknown): Doc {
    const record = this.ownChangeSet(accountId, catalog, changeSetId);
    return {
      ChangeSetId: record.id,
      ChangeSetArn: record.arn,
      ChangeSetName: record.name,
      Intent: 'APPLY',
      StartTime: record.startTime,
      EndTime: record.endTime,
      Status: record.status,
      FailureCode: record.failureCode,
      FailureDescription: record.failureDescription,
      ChangeSet: record.changes.map((c) => ({
        ChangeType: c.ChangeType,
        ChangeName: c.ChangeName,
        Entity: c.Entity,
        DetailsDocument: c.DetailsDocument,
        ErrorDetailList: c.ErrorDetailList,
      })),
    };
  }

  cancelChangeSet(accountId: string, catalog: unknown, changeSetId: unknown): Doc {
    const record = this.ownChangeSet(accountId, catalog, changeSetId);
    if (record.status !== 'PREPARING') {
      throw catalogError.inUse(`Change set ${record.id} is ${record.status} and can no longer be cancelled`);
    }
    record.timers.forEach(clearTimeout);
    record.status = 'CANCELLED';
    record.endTime = isoSeconds();
    void this.emitResult(record);
    return { ChangeSetId: record.id, ChangeSetArn: record.arn };
  }

  listChangeSets(accountId: string, input: Doc): Doc {
    if (input['Catalog'] !== CATALOG) throw catalogError.validation('Catalog must be AWSMarketplace');
    const max = Number(input['MaxResults'] ?? 20);
    if (!Number.isInteger(max) || max < 1 || max > 20)
      throw catalogError.validation('MaxResults must be 1-20');
    const filters = (input['FilterList'] as Doc[] | undefined) ?? [];
    let records = [...this.state.changeSets.values()].filter((r) => r.accountId === accountId);
    for (const filter of filters) {
      const values = (filter['ValueList'] as string[] | undefined) ?? [];
      const range = filter['DateRange'] as Doc | undefined;
      const field = String(filter['Name']);
      records = records.filter((r) => {
        switch (field) {
          case 'ChangeSetName':
            return values.includes(r.name ?? '');
          case 'Status':
            return values.includes(r.status);
          case 'EntityId':
            return r.changes.some((c) => values.includes(c.Entity.Identifier ?? ''));
          case 'BeforeStartTime':
          case 'AfterStartTime':
          case 'BeforeEndTime':
          case 'AfterEndTime': {
            const value = field.endsWith('StartTime') ? r.startTime : r.endTime;
            const bound = String(
              range?.[field.startsWith('Before') ? 'BeforeValue' : 'AfterValue'] ?? values[0] ?? '',
            );
            return !!value && (field.startsWith('Before') ? value <= bound : value >= bound);
          }
          default:
            throw catalogError.validation(`Unsupported filter ${field}`);
        }
      });
    }
    const start = Number(input['NextToken'] ?? 0);
    const page = records.slice(start, start + max);
    return {
      ChangeSetSummaryList: page.map((r) => ({
        ChangeSetId: r.id,
        ChangeSetArn: r.arn,
        ChangeSetName: r.name,
        StartTime: r.startTime,
        EndTime: r.endTime,
        Status: r.status,
        EntityIdList: [...new Set(r.changes.map((c) => c.Entity.Identifier).filter(Boolean))],
        FailureCode: r.failureCode,
      })),
      NextToken: start + max < records.length ? String(start + max) : undefined,
    };
  }

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

  private ownChangeSet(accountId: string, catalog: unknown, changeSetId: unknown): ChangeSetRecord {
    if (catalog !== CATALOG) throw catalogError.validation('catalog must be AWSMarketplace');
    const record = typeof changeSetId === 'string' ? this.state.changeSets.get(changeSetId) : undefined;
    if (!record || record.accountId !== accountId)
      throw catalogError.notFound(`Change set ${String(changeSetId)} was not found`);
    return record;
  }
}
