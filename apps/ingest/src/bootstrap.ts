import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { HIT_LIMITS } from './hits/hit-limits';
import { registerBodyParsers } from './http/body-parsers';
import { HitIntake } from './hits/hit-intake.service';
import { registerServerHitRoutes } from './http/server-hit.routes';
import { registerWebHitRoutes } from './http/web-hit.routes';
import { IngestModule } from './ingest.module';

/** Starts the ingest service; `main.ts` and the tests both come through here. */
export function bootstrap(env?: EnvSource): Promise<RunningHttpService> {
  return startHttpService({
    service: 'ingest',
    rootModule: () => IngestModule,
    env,
    bodyLimit: HIT_LIMITS.batchBytes,
    // NOTE: Nest routes unknown paths and body-parsing errors through its
    // exception filters too, so IngestExceptionFilter shapes those errors; the
    // hit routes answer theirs through the same error-response.ts.
    configure: (app, _config, logger) => {
      const fastify = app.getHttpAdapter().getInstance();
      registerBodyParsers(fastify);
      registerServerHitRoutes(fastify, app.get(HitIntake), logger);
      registerWebHitRoutes(fastify, app.get(HitIntake), logger);
    },
  });
}
