import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { collectDefaultMetrics, register } from 'prom-client';
import { Public } from '../auth/auth.decorators';

/** Prometheus metrics: process and Node.js defaults plus the service's own counters. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!register.getSingleMetric('nodejs_heap_size_total_bytes')) collectDefaultMetrics();
  }

  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
