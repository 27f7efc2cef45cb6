import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

/** `POST /v1/registrations`: the token a buyer arrived with, and the ISV's own id for that buyer. */
export class RegistrationDto {
  @ApiProperty({ description: 'the x-amzn-marketplace-token the buyer arrived with' })
  @IsString()
  @MaxLength(4096)
  @Matches(/^\S+$/, { message: 'token must be the x-amzn-marketplace-token as received' })
  token: string;

  @ApiProperty({ description: "the ISV's own id for this buyer" })
  @Matches(/^[\w.:@-]{1,200}$/, { message: 'tenantId must be 1-200 letters, digits, _ . : @ -' })
  tenantId: string;
}
