import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { findOperatorKey } from '@cppo/contracts';

/**
 * Rejects any body, query or path value carrying a key that starts with `$`, at any depth, before
 * validation: input never reaches a Mongo query as an operator.
 */
@Injectable()
export class NoOperatorsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const path = findOperatorKey(value);
    if (path) {
      const where = metadata.type === 'body' ? path : `${metadata.type}.${path}`;
      throw new BadRequestException([`${where}: keys starting with $ are not allowed`]);
    }
    return value;
  }
}
