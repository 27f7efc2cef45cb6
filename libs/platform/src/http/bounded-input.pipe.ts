import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { inputProblem } from '@cppo/contracts';

/**
 * Runs before validation on every body, query and path value: no key starting with `$` at any depth
 * (input never reaches a Mongo query as an operator), and bounded nesting, key count and size (see
 * INPUT_LIMITS), so no request can make class-transformer or a recursive check stall the service. A body
 * bound to a DTO must be a JSON object (`null`, a string, a number or an array is a 400); a POST without
 * any body counts as `{}`.
 */
@Injectable()
export class BoundedInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    if (metadata.type === 'body' && isDto(metadata.metatype)) {
      if (value === undefined) return {};
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new BadRequestException(['body must be a JSON object']);
    }
    const problem = inputProblem(value, metadata.type === 'body' ? undefined : metadata.type);
    if (problem) throw new BadRequestException([problem.replace(/^value:/, 'body:')]);
    return value;
  }
}

function isDto(metatype: ArgumentMetadata['metatype']): boolean {
  return !!metatype && ![String, Boolean, Number, Array, Object].includes(metatype as never);
}
