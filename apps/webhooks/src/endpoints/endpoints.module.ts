import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { EndpointsController } from './endpoints.controller';
import { EndpointsService } from './endpoints.service';

/** The HTTP API of endpoints and their messages. */
@Module({
  imports: [DeliveryModule],
  controllers: [EndpointsController],
  providers: [EndpointsService],
})
export class EndpointsModule {}
