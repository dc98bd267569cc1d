import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { IngestModule } from './ingest.module';

/** Starts the ingest service; `main.ts` and the tests both come through here. */
export function bootstrap(env?: EnvSource): Promise<RunningHttpService> {
  return startHttpService({ service: 'ingest', rootModule: () => IngestModule, env });
}
