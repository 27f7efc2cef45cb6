import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import { MeteringReport } from '../schemas/metering-report.schema';
import { findPage, str, type Page, type PageRequest } from './query';

@Injectable()
export class MeteringReportRepository {
  constructor(@InjectModel(MeteringReport.name) private readonly model: Model<MeteringReport>) {}

  findById(orgId: string, id: string): Promise<MeteringReport | null> {
    return this.model
      .findOne({ _id: str(id, 'id'), orgId: str(orgId, 'orgId') })
      .lean()
      .exec();
  }

  list(orgId: string, status: string | undefined, page: PageRequest): Promise<Page<MeteringReport>> {
    const query: FilterQuery<MeteringReport> = { orgId: str(orgId, 'orgId') };
    if (status !== undefined) query.status = str(status, 'status');
    return findPage(this.model, query, page);
  }
}
