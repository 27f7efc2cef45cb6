import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@cppo/contracts';

/** Unknown fields are rejected; each message names its field (nested paths included). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(flattenValidationErrors(errors)),
  });
}
