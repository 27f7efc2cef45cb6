import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { FinanceDeal, FinanceException, FinanceImport, FinanceParkedLine } from '@cppo/persistence';
import { FinanceRepository } from '@cppo/persistence';
import { OrgId, PageQuery } from '@cppo/platform';
import { ImportService } from '../imports/import.service';
import { money, units } from '../reconciliation/reconcile.rules';
import {
  DealsQuery,
  ExceptionsQuery,
  FinanceSettingsDto,
  FinanceSettingsView,
  ImportView,
  SummaryQuery,
} from './finance.dto';

const DEAL_COLUMNS = [
  'agreementId',
  'status',
  'partnerAccountId',
  'buyerAccountId',
  'productId',
  'currency',
  'expected',
  'invoiced',
  'listingFee',
  'refunded',
  'disbursed',
  'asOf',
  'opportunityId',
  'offerId',
  'entitlementId',
] as const;

/** RFC 4180 CSV of plain rows (the console's and a spreadsheet's export). */
function csv(columns: readonly string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown) => {
    const text = v === undefined || v === null ? '' : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return (
    [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n'
  );
}

function dealView(d: FinanceDeal) {
  const { _id: _id, orgId: _org, createdAt: _c, updatedAt, ...rest } = d;
  return { ...rest, updatedAt: updatedAt ? new Date(updatedAt).toISOString() : undefined };
}

function exceptionView(e: FinanceException) {
  return {
    id: e._id,
    kind: e.kind,
    subject: e.subject,
    agreementId: e.agreementId,
    detail: e.detail,
    status: e.status,
    openedAt: new Date(e.openedAt).toISOString(),
    resolvedAt: e.resolvedAt ? new Date(e.resolvedAt).toISOString() : undefined,
  };
}

function importView(i: FinanceImport): ImportView {
  return {
    id: i._id,
    status: i.status,
    filesSeen: i.filesSeen ?? 0,
    filesImported: i.filesImported ?? 0,
    filesSkipped: i.filesSkipped ?? 0,
    rows: i.rows ?? 0,
    parked: i.parked ?? 0,
    error: i.error,
    startedAt: new Date(i.createdAt ?? 0).toISOString(),
    finishedAt: i.finishedAt ? new Date(i.finishedAt).toISOString() : undefined,
  };
}

const parkedView = (p: FinanceParkedLine) => ({
  id: p._id,
  file: p.file,
  line: p.line,
  reason: p.reason,
  raw: p.raw,
  at: new Date(p.createdAt ?? 0).toISOString(),
});

/**
 * Finance: where the org's seller data feeds are, their imports, each CPPO deal reconciled (expected vs
 * invoiced vs listing fee vs refunded vs disbursed), totals for charts, the exceptions and parked lines.
 */
@ApiTags('finance')
@Controller('v1/finance')
export class FinanceController {
  constructor(
    private readonly finance: FinanceRepository,
    private readonly imports: ImportService,
  ) {}

  @Put('settings')
  @ApiOkResponse({ type: FinanceSettingsView })
  async putSettings(@OrgId() orgId: string, @Body() body: FinanceSettingsDto): Promise<FinanceSettingsView> {
    const saved = await this.finance.putSettings(orgId, body.bucket, body.prefix ?? '');
    return { bucket: saved.bucket, prefix: saved.prefix, asOf: saved.asOf };
  }

  @Get('settings')
  @ApiOkResponse({ type: FinanceSettingsView })
  async getSettings(@OrgId() orgId: string): Promise<FinanceSettingsView> {
    const found = await this.finance.getSettings(orgId);
    if (!found) throw new NotFoundException('no SDDS bucket configured yet: PUT /v1/finance/settings');
    return { bucket: found.bucket, prefix: found.prefix, asOf: found.asOf };
  }

  /** Starts an import of the org's feeds now; its progress at GET /v1/finance/imports/{id}. */
  @Post('imports')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ImportView })
  async startImport(@OrgId() orgId: string): Promise<ImportView> {
    if (!(await this.finance.getSettings(orgId)))
      throw new BadRequestException('no SDDS bucket configured: PUT /v1/finance/settings first');
    const id = await this.imports.start(orgId);
    return importView((await this.finance.findImport(orgId, id)) as FinanceImport);
  }

  @Get('imports/:id')
  @ApiOkResponse({ type: ImportView })
  async getImport(@OrgId() orgId: string, @Param('id') id: string): Promise<ImportView> {
    const found = await this.finance.findImport(orgId, id);
    if (!found) throw new NotFoundException(`import ${id} not found`);
    return importView(found);
  }

  @Get('deals')
  @ApiOkResponse({ description: '{ items: [deal] } or, with format=csv, text/csv' })
  async deals(
    @OrgId() orgId: string,
    @Query() query: DealsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const inRange = (d: FinanceDeal) =>
      Object.keys(d.months ?? {}).some(
        (m) => (!query.from || m >= query.from) && (!query.to || m <= query.to),
      ) ||
      (!query.from && !query.to);
    const deals = (
      await this.finance.listDeals(orgId, { status: query.status, partnerAccountId: query.partner })
    ).filter(inRange);
    if (query.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      return csv(DEAL_COLUMNS, deals.map(dealView));
    }
    return { items: deals.map(dealView) };
  }

  @Get('deals/:agreementId')
  @ApiOkResponse({ description: 'one deal, with its disbursements and monthly figures' })
  async deal(@OrgId() orgId: string, @Param('agreementId') agreementId: string): Promise<unknown> {
    const found = await this.finance.findDeal(orgId, agreementId);
    if (!found) throw new NotFoundException(`no deal for agreement ${agreementId} in the imported feeds`);
    return dealView(found);
  }

  /** Totals for charts: per month (expected, invoiced, disbursed) or per partner or product (and fee, refunds). */
  @Get('summary')
  @ApiOkResponse({
    description: '{ groupBy, items: [{ key, expected, invoiced, disbursed, … }] } or text/csv',
  })
  async summary(
    @OrgId() orgId: string,
    @Query() query: SummaryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const deals = await this.finance.listDeals(orgId, {});
    const groups = new Map<string, Record<string, bigint>>();
    const add = (key: string, figures: Record<string, string | undefined>) => {
      const group = groups.get(key) ?? {};
      for (const [name, value] of Object.entries(figures)) group[name] = (group[name] ?? 0n) + units(value);
      groups.set(key, group);
    };
    for (const d of deals) {
      if (query.groupBy === 'month')
        for (const [m, f] of Object.entries(d.months ?? {}))
          add(m, { expected: f.expected, invoiced: f.invoiced, disbursed: f.disbursed });
      else
        add((query.groupBy === 'partner' ? d.partnerAccountId : d.productId) ?? 'unknown', {
          expected: d.expected,
          invoiced: d.invoiced,
          listingFee: d.listingFee,
          refunded: d.refunded,
          disbursed: d.disbursed,
        });
    }
    const items = [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, f]) => ({ key, ...Object.fromEntries(Object.entries(f).map(([n, v]) => [n, money(v)])) }));
    if (query.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      const columns = ['key', ...new Set(items.flatMap((i) => Object.keys(i).filter((k) => k !== 'key')))];
      return csv(columns, items);
    }
    return { groupBy: query.groupBy, items };
  }

  @Get('exceptions')
  @ApiOkResponse({ description: '{ items: [exception], nextCursor }' })
  async exceptions(@OrgId() orgId: string, @Query() query: ExceptionsQuery): Promise<unknown> {
    const page = await this.finance.listExceptions(orgId, query.status, {
      limit: query.limit,
      cursor: query.cursor,
    });
    return { items: page.items.map(exceptionView), nextCursor: page.nextCursor };
  }

  /** Lines of feed files that could not be read, with file, line and reason. */
  @Get('parked')
  @ApiOkResponse({ description: '{ items: [{ file, line, reason, raw }], nextCursor }' })
  async parked(@OrgId() orgId: string, @Query() query: PageQuery): Promise<unknown> {
    const page = await this.finance.listParked(orgId, { limit: query.limit, cursor: query.cursor });
    return { items: page.items.map(parkedView), nextCursor: page.nextCursor };
  }
}
