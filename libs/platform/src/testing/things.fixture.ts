import { Body, Controller, Get, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { MessagingModule } from '@cppo/messaging';
import { OfferRepository, PersistenceModule } from '@cppo/persistence';
import { OrgId } from '../auth/auth.decorators';
import { BaseEnv } from '@cppo/runtime';
import { PlatformModule } from '../platform.module';

class Nested {
  @IsInt()
  @Min(0)
  quantity: number;
}

export class CreateThing {
  @IsString()
  @MaxLength(20)
  name: string;

  @ValidateNested()
  @Type(() => Nested)
  nested: Nested;
}

/** A minimal controller behind the real platform pieces, to test auth, scoping and input rules. */
@Controller('v1/things')
class ThingsController {
  constructor(private readonly offers: OfferRepository) {}

  @Get(':id')
  async get(@OrgId() orgId: string, @Param('id') id: string) {
    const offer = await this.offers.findById(orgId, id);
    if (!offer) throw new NotFoundException(`thing ${id} not found`);
    return { id: offer._id, orgId: offer.orgId };
  }

  @Post()
  create(@OrgId() orgId: string, @Body() body: CreateThing) {
    return { orgId, received: body };
  }
}

class TestEnv extends BaseEnv {}

@Module({
  imports: [
    PlatformModule.forRoot({ service: 'platform-test', env: TestEnv }),
    PersistenceModule,
    MessagingModule.forRoot({ service: 'platform-test', outboxModels: [] }),
  ],
  controllers: [ThingsController],
})
export class ThingsAppModule {}
