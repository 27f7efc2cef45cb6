import { Module } from '@nestjs/common';
import { MarketplaceModule } from '@cppo/marketplace';
import { ProductsController } from './products.controller';

/** GET /v1/products: the org's SaaS products and their dimensions, from the Catalog. */
@Module({ imports: [MarketplaceModule], controllers: [ProductsController] })
export class ProductsModule {}
