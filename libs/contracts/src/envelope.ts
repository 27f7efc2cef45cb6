import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ALL_ROUTING_KEYS, type RoutingKey } from './routing-keys';

/** Every message on `cppo.events` is one of these; `type` equals the routing key. */
export class MessageEnvelope<P extends object = Record<string, unknown>> {
  @IsUUID()
  messageId: string;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  orgId: string;

  @IsIn(ALL_ROUTING_KEYS as RoutingKey[])
  type: RoutingKey;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  causationId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  correlationId?: string;

  @IsObject()
  payload: P;
}
