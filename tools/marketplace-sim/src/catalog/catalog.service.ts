import { createHash, randomUUID } from 'node:crypto';
import { catalogError } from '../aws-errors';
import { must } from '../must';
import { eventBridgeEvent, type EventBus } from '../events';
import type { ChangeRecord, ChangeSetRecord, SimState } from '../state';
import { findProduct } from '../world';
import { arn, CATALOG, isoSeconds, randomId } from './catalog.ids';
import {
  applyChange,
  cloneRa,
  newRa,
  RA_CHANGE_TYPES,
  RA_ENTITY_TYPE,
  type RaChangeType,
  type ResaleAuthorization,
} from './resale-authorization';
import { businessErrors } from './resale-authorization.rules';
import { schemaProblems } from './resale-authorization.schema';

type Doc = Record<string, unknown>;

const REFERENCE = /^\$([A-Za-z0-9_-]+)\.Entity\.Identifier$/;
const CHANGE_SET_NAME = /^[\w\s+=.:@-]{1,100}$/;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

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

  private ownChangeSet(accountId: string, catalog: unknown, changeSetId: unknown): ChangeSetRecord {
    if (catalog !== CATALOG) throw catalogError.validation('catalog must be AWSMarketplace');
    const record = typeof changeSetId === 'string' ? this.state.changeSets.get(changeSetId) : undefined;
    if (!record || record.accountId !== accountId)
      throw catalogError.notFound(`Change set ${String(changeSetId)} was not found`);
    return record;
  }
}
