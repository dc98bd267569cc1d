import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { LateRelease } from './late-release.service';

/** Rounds of one pass at most, so a huge backlog does not starve shutdown. */
const MAX_ROUNDS = 20;

/**
 * Every ENRICHMENT_PENDING_SWEEP_MS, emits the parked hits whose match window
 * has passed (`miss`, or `late` if their web data is there by now). Runs in
 * every enrichment process; claims make each hit go out once.
 */
@Injectable()
export class PendingSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly release: LateRelease,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'enrichment'>,
    private readonly logger: PinoLogger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass now (tests); resolves when the due hits went out. */
  async sweep(): Promise<number> {
    let emitted = 0;
    for (let round = 0; round < MAX_ROUNDS && !this.stopped; round++) {
      const result = await this.release.sweepDue();
      emitted += result.emitted;
      if (!result.more) break;
    }
    return emitted;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.sweep()
        .then(() => undefined)
        .catch((error: unknown) => {
          this.logger.logger.warn({ err: error }, 'pending sweep failed, will try again');
        })
        .finally(() => {
          this.pass = null;
          this.schedule();
        });
    }, this.config.enrichment.pendingSweepMs);
    this.timer.unref();
  }
}
