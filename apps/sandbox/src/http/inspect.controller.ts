import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Query,
} from '@nestjs/common';
import { SandboxPartner } from '../recording/recorded-request';
import { RequestRecorder, SANDBOX_PARTNERS } from '../recording/request-recorder';
import { renderRequestsPage } from './requests.page';

const MAX_LIMIT = 10_000;

/** What the sandbox received: an HTML page for people, JSON for scripts and tests. */
@Controller()
export class InspectController {
  constructor(private readonly recorder: RequestRecorder) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  page(@Query('partner') partner?: string, @Query('refresh') refresh?: string): string {
    const selected = partnerParameter(partner);
    return renderRequestsPage({
      partner: selected,
      stats: this.recorder.stats(),
      requests: this.recorder.list({ partner: selected, limit: 200 }),
      refreshSeconds: refresh === '0' ? 0 : 2,
    });
  }

  /**
   * `?partner=meta|ga4|criteo|webhook|unknown`, `limit` (default 100), and
   * `after=<seq>` to page oldest-first through everything kept.
   */
  @Get('requests')
  requests(
    @Query('partner') partner?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ) {
    const selected = partnerParameter(partner);
    const requests = this.recorder.list({
      partner: selected,
      after: after === undefined ? undefined : integer('after', after, 0, Number.MAX_SAFE_INTEGER),
      limit: limit === undefined ? 100 : integer('limit', limit, 1, MAX_LIMIT),
    });
    return { partner: selected ?? null, count: requests.length, requests };
  }

  /** Counters per partner since the start (or the last clear). */
  @Get('stats')
  stats() {
    return { keepPerPartner: this.recorder.keepPerPartner, partners: this.recorder.stats() };
  }

  /** How often each event id reached one partner. */
  @Get('events')
  events(@Query('partner') partner?: string) {
    const selected = partnerParameter(partner);
    if (!selected) throw new BadRequestException('partner is required');
    return { partner: selected, eventIds: this.recorder.eventCounts(selected) };
  }

  /** Forgets everything received (requests and counters). */
  @Delete('requests')
  @HttpCode(204)
  clear(): void {
    this.recorder.clear();
  }
}

function partnerParameter(value: string | undefined): SandboxPartner | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(SANDBOX_PARTNERS as readonly string[]).includes(value)) {
    throw new BadRequestException(`partner must be one of ${SANDBOX_PARTNERS.join(', ')}`);
  }
  return value as SandboxPartner;
}

function integer(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new BadRequestException(`${name} must be an integer ${min}..${max}`);
  }
  return number;
}
