import { PartialType } from '@nestjs/swagger';
import { CreateOpportunityDto } from './create-opportunity.dto';

/** `POST /v1/opportunities/{id}/clone`: every field optional; given ones override the source's. */
export class CloneOpportunityDto extends PartialType(CreateOpportunityDto) {}
