import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { MeteringReport } from '../schemas/metering-report.schema';
import { findOrgDoc, findOrgPage, type Page, type PageRequest } from './query';

@Injectable()
export class MeteringReportRepository {
  constructor(@InjectModel(MeteringReport.name) private readonly model: Model<MeteringReport>) {}

  findById(orgId: string, id: string): Promise<MeteringReport | null> {
    return findOrgDoc(this.model, orgId, id);
  }

  list(orgId: string, status: string | undefined, page: PageRequest): Promise<Page<MeteringReport>> {
    return findOrgPage(this.model, orgId, { status }, page);
  }
}
