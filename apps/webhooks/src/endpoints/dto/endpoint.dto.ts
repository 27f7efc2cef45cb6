import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { WebhookMessageStatus, type WebhookEndpoint, type WebhookMessage } from '@cppo/persistence';
import { PageQuery } from '@cppo/platform';
import type { WebhookEndpointJson, WebhookMessageJson } from '@cppo/views/types';
import { EVENT_TYPES, isKnownFilter } from '../../delivery/event-types';

/** What an endpoint's filter may name: `*`, a type, or a trailing wildcard that matches one (as a pattern). */
const FILTER = new RegExp(
  `^(?:\\*|${[...EVENT_TYPES, ...EVENT_TYPES.flatMap((t) => prefixes(t).map((p) => `${p}.*`))]
    .filter((f, i, all) => all.indexOf(f) === i && isKnownFilter(f))
    .map((f) => f.replace(/[.*]/g, (c) => `\\${c}`))
    .join('|')})$`,
);

/** `metering.report.flagged` → `metering`, `metering.report`. */
function prefixes(type: string): string[] {
  const parts = type.split('.');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('.'));
}

const FILTER_MESSAGE = `eventTypes must be "*", event types or trailing wildcards ("entitlement.*") of: ${EVENT_TYPES.join(', ')}`;
const URL_PATTERN = /^https?:\/\/\S+$/;

/** `POST /v1/webhooks/endpoints`. */
export class CreateEndpointDto {
  @ApiProperty({ example: 'https://hooks.example.com/cppo', description: 'https; public addresses only' })
  @IsString()
  @MaxLength(2048)
  @Matches(URL_PATTERN, { message: 'url must be an absolute http(s) URL' })
  url: string;

  @ApiPropertyOptional({
    type: [String],
    default: ['*'],
    example: ['entitlement.*', 'registration.completed'],
    minItems: 1,
    maxItems: 50,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(FILTER, { each: true, message: FILTER_MESSAGE })
  eventTypes?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;
}

/** `PATCH /v1/webhooks/endpoints/{id}`: what is given changes. */
export class UpdateEndpointDto extends PartialType(CreateEndpointDto) {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class EndpointView implements WebhookEndpointJson {
  @ApiProperty() id: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String] }) eventTypes: string[];
  @ApiPropertyOptional() description?: string;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ description: 'why the hub disabled it (410 Gone, failing too long)' })
  disabledReason?: string;
  @ApiPropertyOptional({ description: 'its deliveries have failed since then, without a success' })
  failingSince?: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional() updatedAt?: string;

  static from(e: WebhookEndpoint): EndpointView {
    return {
      id: e._id,
      url: e.url,
      eventTypes: e.eventTypes,
      ...(e.description ? { description: e.description } : {}),
      enabled: e.enabled,
      ...(e.disabledReason ? { disabledReason: e.disabledReason } : {}),
      ...(e.failingSince ? { failingSince: new Date(e.failingSince).toISOString() } : {}),
      createdAt: new Date(e.createdAt ?? Date.now()).toISOString(),
      ...(e.updatedAt ? { updatedAt: new Date(e.updatedAt).toISOString() } : {}),
    };
  }
}

/** The answer of create: the endpoint and its secret, shown this once. */
export class CreatedEndpointView extends EndpointView {
  @ApiProperty({ description: 'whsec_…: shown only here and on rotation' }) secret: string;
}

export class SecretView {
  @ApiProperty({ description: 'the new whsec_… secret; the old one signs too until overlapUntil' })
  secret: string;
  @ApiProperty() overlapUntil: string;
}

export class EndpointList {
  @ApiProperty({ type: [EndpointView] }) items: EndpointView[];
}

export class AttemptView {
  @ApiProperty() at: string;
  @ApiPropertyOptional() statusCode?: number;
  @ApiProperty() durationMs: number;
  @ApiPropertyOptional() error?: string;
}

export class MessageView implements WebhookMessageJson {
  @ApiProperty({ description: 'the webhook-id header' }) id: string;
  @ApiProperty() type: string;
  @ApiProperty({ enum: WebhookMessageStatus }) status: WebhookMessageStatus;
  @ApiProperty({ type: [AttemptView] }) attempts: AttemptView[];
  @ApiPropertyOptional() nextAttemptAt?: string;
  @ApiProperty() createdAt: string;

  static from(m: WebhookMessage): MessageView {
    return {
      id: m._id,
      type: m.type,
      status: m.status,
      attempts: m.attempts.map((a) => ({
        at: new Date(a.at).toISOString(),
        ...(a.statusCode !== undefined ? { statusCode: a.statusCode } : {}),
        durationMs: a.durationMs,
        ...(a.error ? { error: a.error } : {}),
      })),
      ...(m.nextAttemptAt && (m.status === 'PENDING' || m.status === 'FAILING')
        ? { nextAttemptAt: new Date(m.nextAttemptAt).toISOString() }
        : {}),
      createdAt: new Date(m.createdAt ?? Date.now()).toISOString(),
    };
  }
}

export class MessagePage {
  @ApiProperty({ type: [MessageView] }) items: MessageView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class MessageListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: WebhookMessageStatus })
  @IsOptional()
  @IsEnum(WebhookMessageStatus)
  status?: WebhookMessageStatus;
}

export class AcceptedMessage {
  @ApiProperty() messageId: string;
}
