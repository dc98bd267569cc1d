import { Injectable } from '@nestjs/common';

/** One dependency a service needs to do its work (the broker, the store…). */
export interface HealthIndicator {
  readonly name: string;
  /** True while the dependency works; must answer fast and never throw. */
  isHealthy(): boolean | Promise<boolean>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, boolean>;
}

/**
 * Modules register what readiness depends on; `/readyz` reports all of them.
 * Liveness (`/healthz`) depends on nothing: a live process that cannot reach the
 * broker should be taken out of the load balancer, not restarted.
 */
@Injectable()
export class HealthRegistry {
  private readonly indicators: HealthIndicator[] = [];

  register(indicator: HealthIndicator): void {
    this.indicators.push(indicator);
  }

  async readiness(): Promise<ReadinessReport> {
    const results = await Promise.all(
      this.indicators.map(async (indicator) => {
        try {
          return [indicator.name, await indicator.isHealthy()] as const;
        } catch {
          return [indicator.name, false] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { ready: results.every(([, healthy]) => healthy), checks };
  }
}
