import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { OrgId, viewPage } from '@cppo/platform';
import {
  AcceptedMessage,
  CreatedEndpointView,
  CreateEndpointDto,
  EndpointList,
  EndpointView,
  MessageListQuery,
  MessagePage,
  MessageView,
  SecretView,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { EndpointsService } from './endpoints.service';

/** The org's webhook endpoints, their secrets, and what was sent to them. */
@ApiTags('webhooks')
@Controller('v1/webhooks/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  /** The secret is in this answer only (and in a rotation's). */
  @Post()
  @ApiCreatedResponse({ type: CreatedEndpointView })
  async create(@OrgId() orgId: string, @Body() body: CreateEndpointDto): Promise<CreatedEndpointView> {
    const { endpoint, secret } = await this.endpoints.create(orgId, body);
    return { ...EndpointView.from(endpoint), secret };
  }

  @Get()
  @ApiOkResponse({ type: EndpointList })
  async list(@OrgId() orgId: string): Promise<EndpointList> {
    return { items: (await this.endpoints.list(orgId)).map(EndpointView.from) };
  }

  @Get(':id')
  @ApiOkResponse({ type: EndpointView })
  async get(@OrgId() orgId: string, @Param('id') id: string): Promise<EndpointView> {
    return EndpointView.from(await this.endpoints.get(orgId, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: EndpointView })
  async update(
    @OrgId() orgId: string,
    @Param('id') id: string,
    @Body() body: UpdateEndpointDto,
  ): Promise<EndpointView> {
    return EndpointView.from(await this.endpoints.update(orgId, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@OrgId() orgId: string, @Param('id') id: string): Promise<void> {
    await this.endpoints.remove(orgId, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkResponse({ type: SecretView })
  async rotate(@OrgId() orgId: string, @Param('id') id: string): Promise<SecretView> {
    const { secret, overlapUntil } = await this.endpoints.rotate(orgId, id);
    return { secret, overlapUntil: overlapUntil.toISOString() };
  }

  /** Sends a `webhook.test` event now. */
  @Post(':id/test')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedMessage })
  async test(@OrgId() orgId: string, @Param('id') id: string): Promise<AcceptedMessage> {
    return { messageId: await this.endpoints.test(orgId, id) };
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: MessagePage })
  async messages(
    @OrgId() orgId: string,
    @Param('id') id: string,
    @Query() query: MessageListQuery,
  ): Promise<MessagePage> {
    const { limit, cursor, status } = query;
    return viewPage(await this.endpoints.messages(orgId, id, status, { limit, cursor }), MessageView.from);
  }

  @Post(':id/messages/:messageId/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedMessage })
  async replay(
    @OrgId() orgId: string,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<AcceptedMessage> {
    await this.endpoints.replay(orgId, id, messageId);
    return { messageId };
  }
}
