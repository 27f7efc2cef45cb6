import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** `?limit=` on every list: default 50, at most 200. */
export class LimitQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

/** `?limit=&cursor=` on every list of our records; the cursor is the last id of the previous page. */
export class PageQuery extends LimitQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z]+_[0-9a-f]{24}(?:[0-9a-f]{11})?$/, {
    message: 'cursor must be a nextCursor returned by this API',
  })
  cursor?: string;
}

/** A page of stored records as the API answers it: each record in its public view, the same cursor. */
export function viewPage<T, V>(
  page: { items: T[]; nextCursor: string | null },
  view: (item: T) => V,
): { items: V[]; nextCursor: string | null } {
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
