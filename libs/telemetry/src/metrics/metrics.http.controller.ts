import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../http/public-route.decorator';
import { metricsRegistry } from './service-metrics';

/**
 * Prometheus scrape endpoint. Public at the HTTP layer like the probes; who may reach it is
 * decided by the network policy in front of the pod, not by an API key Prometheus would
 * need to hold.
 */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsHttpController {
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  async scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
