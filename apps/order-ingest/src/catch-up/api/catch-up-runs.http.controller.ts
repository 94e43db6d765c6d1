import { ApiPrincipal, assertAccountAccess, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { RequestCatchUpUseCase } from '../application/request-catch-up.use-case';
import { CatchUpRunNotFoundError } from '../domain/catch-up.errors';
import { CatchUpRunRepository, type CatchUpRun } from '../infrastructure/catch-up-run.repository';

export class ListCatchUpRunsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'accountId must be 1-100 letters, digits, ".", "_" or "-"' })
  accountId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

function runView(run: CatchUpRun) {
  return {
    runId: run.id,
    accountId: run.accountId,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    status: run.status,
    requestedAt: run.requestedAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    scans: run.scans,
    totals: {
      pages: run.pages,
      scanned: run.scanned,
      new: run.newOrders,
      changed: run.changedOrders,
      unchanged: run.unchangedOrders,
      errors: run.errors,
    },
    newOrderIds: run.newOrderIds,
    changedOrderIds: run.changedOrderIds,
    error: run.error,
  };
}

/** Catch-up runs: trigger one, see what each scanned and found. */
@ApiTags('catch-up')
@Controller('v1')
export class CatchUpRunsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatchUpRunRepository) private readonly runs: CatchUpRunRepository,
    @Inject(RequestCatchUpUseCase) private readonly requestCatchUp: RequestCatchUpUseCase,
  ) {}

  @Post('accounts/:accountId/catch-up-runs')
  @RequireScopes('orders:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a catch-up run now (joins the one already queued or running)' })
  async trigger(@Param('accountId') accountId: string, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const { run, created } = await this.requestCatchUp.execute(accountId, principal.name);
    return { ...runView(run), joinedExisting: !created };
  }

  @Get('catch-up-runs')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'Catch-up runs, newest first, with what each scanned and found' })
  async list(@Query() query: ListCatchUpRunsQueryDto, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const runs = await this.runs.list(this.dataSource.manager, query.accountId ? [query.accountId] : principal.accounts, query.limit ?? 50);
    return { runs: runs.map(runView) };
  }

  @Get('catch-up-runs/:runId')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'One catch-up run' })
  async get(@Param('runId') runId: string, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const run = /^[0-9a-f-]{36}$/i.test(runId) ? await this.runs.find(this.dataSource.manager, runId) : null;
    if (!run) throw new CatchUpRunNotFoundError(runId.slice(0, 36));
    assertAccountAccess(principal, run.accountId);
    return runView(run);
  }
}
