import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PartnerAccountTakenError, PartnerRepository } from '@cppo/persistence';
import { OrgId, viewPage } from '@cppo/platform';
import {
  CreatePartnerDto,
  PartnerListQuery,
  PartnerPage,
  PartnerView,
  UpdatePartnerDto,
} from './dto/partner.dto';

/**
 * The org's partner directory: names people know partners by, next to the AWS accounts authorizations name
 * (an account once per org). The console picks partners from it and shows names beside accounts.
 */
@ApiTags('partners')
@Controller('v1/partners')
export class PartnersController {
  constructor(private readonly partners: PartnerRepository) {}

  @Post()
  @ApiCreatedResponse({ type: PartnerView, description: '409 when the account is in the directory already' })
  async create(@OrgId() orgId: string, @Body() body: CreatePartnerDto): Promise<PartnerView> {
    const { awsAccountId, ...fields } = body;
    try {
      return PartnerView.from(
        await this.partners.create(orgId, awsAccountId, {
          ...fields,
          name: fields.name.trim(),
          tags: fields.tags ?? [],
        }),
      );
    } catch (error) {
      if (error instanceof PartnerAccountTakenError) throw new ConflictException(error.message);
      throw error;
    }
  }

  @Get()
  @ApiOkResponse({ type: PartnerPage })
  async list(@OrgId() orgId: string, @Query() query: PartnerListQuery): Promise<PartnerPage> {
    const { limit, cursor, tag, awsAccountId } = query;
    return viewPage(
      await this.partners.list(orgId, { tag, awsAccountId }, { limit, cursor }),
      PartnerView.from,
    );
  }

  @Get(':id')
  @ApiOkResponse({ type: PartnerView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<PartnerView> {
    return PartnerView.from(found(await this.partners.find(orgId, id), id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: PartnerView })
  async update(
    @OrgId() orgId: string,
    @Param('id') id: string,
    @Body() body: UpdatePartnerDto,
  ): Promise<PartnerView> {
    const { name, contactName, contactEmail, tags } = body;
    return PartnerView.from(
      found(
        await this.partners.update(orgId, id, { name: name?.trim(), contactName, contactEmail, tags }),
        id,
      ),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@OrgId() orgId: string, @Param('id') id: string): Promise<void> {
    if (!(await this.partners.remove(orgId, id))) throw new NotFoundException(`partner ${id} not found`);
  }
}

function found<T>(partner: T | null, id: string): T {
  if (!partner) throw new NotFoundException(`partner ${id} not found`);
  return partner;
}
