import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CatalogGateway, type CatalogProduct } from '@cppo/marketplace';
import { OrgId } from '@cppo/platform';

export class ProductsQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'read the Catalog again instead of the cache',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  refresh?: 'true' | 'false';
}

export class DimensionView {
  @ApiProperty() key: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() unit?: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ description: 'a contract (Entitled) dimension' }) entitled: boolean;
  @ApiProperty({ description: 'a usage (metered) dimension' }) metered: boolean;
}

export class ProductView {
  @ApiProperty() id: string;
  @ApiPropertyOptional() title?: string;
  @ApiPropertyOptional() productCode?: string;
  @ApiPropertyOptional({ description: "AWS's visibility: Public, Limited, Restricted, Draft" })
  visibility?: string;
  @ApiProperty({ type: [DimensionView] }) dimensions: DimensionView[];

  static from(p: CatalogProduct): ProductView {
    return { ...p, dimensions: p.dimensions.map((d) => ({ ...d })) };
  }
}

export class ProductList {
  @ApiProperty({ type: [ProductView] }) items: ProductView[];
  @ApiProperty({ description: 'when the Catalog was read (the list is cached)' }) fetchedAt: string;
}

/**
 * The org's SaaS products as the Catalog API describes them to its account — title, product code,
 * visibility, each dimension's name, unit and kind — so that a person picks a product and its dimensions by
 * name. Cached per org (PRODUCT_CACHE_TTL_MS); `?refresh=true` reads AWS again.
 */
@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(private readonly catalog: CatalogGateway) {}

  @Get()
  @ApiOkResponse({ type: ProductList })
  async list(@OrgId() orgId: string, @Query() query: ProductsQuery): Promise<ProductList> {
    const { fetchedAt, products } = await this.catalog.listProducts(orgId, query.refresh === 'true');
    return {
      items: [...products]
        .sort((a, b) => (a.title ?? a.id).localeCompare(b.title ?? b.id))
        .map(ProductView.from),
      fetchedAt: fetchedAt.toISOString(),
    };
  }
}
