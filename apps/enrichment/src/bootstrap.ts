import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { EnrichmentModule } from './enrichment.module';

/** Starts the enrichment service; `main.ts` and the tests both come through here. */
export function bootstrap(env?: EnvSource): Promise<RunningHttpService> {
  return startHttpService({ service: 'enrichment', rootModule: () => EnrichmentModule, env });
}
