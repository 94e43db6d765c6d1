import { Controller, Get, Logger, Module, Param } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { Public } from '../../src/http/public-route.decorator';
import { TelemetryModule } from '../../src/telemetry.module';
import { telemetry } from './instrumentation';

@Public()
@Controller('orders')
class OrdersHttpController {
  private readonly logger = new Logger(OrdersHttpController.name);

  @Get(':orderId')
  async get(@Param('orderId') orderId: string): Promise<{ orderId: string }> {
    this.logger.log(`reading order ${orderId}`);
    return trace.getTracer('traced-service').startActiveSpan('load order', async (span) => {
      span.end();
      return { orderId };
    });
  }
}

/** Lets the test read what the in-memory exporter holds. Test-only, obviously. */
@Public()
@Controller('test')
class FinishedSpansHttpController {
  @Get('spans')
  spans(): unknown[] {
    return telemetry.finishedSpans().map((span) => ({
      name: span.name,
      kind: span.kind,
      traceId: span.spanContext().traceId,
      spanId: span.spanContext().spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      attributes: span.attributes,
      instrumentation: span.instrumentationScope.name,
    }));
  }
}

@Module({
  imports: [TelemetryModule.forRoot({ serviceName: 'traced-service', logLevel: 'info' })],
  controllers: [OrdersHttpController, FinishedSpansHttpController],
})
export class TracedServiceModule {}
