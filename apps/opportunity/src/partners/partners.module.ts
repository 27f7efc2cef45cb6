import { Module } from '@nestjs/common';
import { PartnersController } from './partners.controller';

/** /v1/partners: the org's partner directory. */
@Module({ controllers: [PartnersController] })
export class PartnersModule {}
