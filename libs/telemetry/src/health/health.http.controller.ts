import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../http/public-route.decorator';
import { ReadinessRegistry } from './readiness-registry';
import type { ReadinessReport } from './readiness-check';

/**
 * Kubernetes probes. Live says the process is up and serving HTTP, nothing more: a failing
 * database must not get the pod restarted. Ready says every registered dependency answers.
 */
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthHttpController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessReport & { status: string }> {
    const report = await this.readiness.evaluate();
    response.status(report.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: report.ready ? 'ok' : 'unavailable', ...report };
  }
}
