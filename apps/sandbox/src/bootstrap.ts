import type { FastifyInstance } from 'fastify';
import { EnvSource } from '@tagrelay/config';
import { RunningHttpService, startHttpService } from '@tagrelay/runtime';
import { SandboxModule } from './sandbox.module';
import { sandboxArguments } from './sandbox.options';

/** Partner requests can be large (Meta: up to 1,000 events in one body). */
const BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Starts the partner sandbox (default port 8099); `main.ts` and the tests both
 * come through here.
 */
export function bootstrap(
  env?: EnvSource,
  argv: string[] = process.argv.slice(2),
): Promise<RunningHttpService> {
  const options = sandboxArguments(argv);
  return startHttpService({
    service: 'sandbox',
    env,
    bodyLimit: BODY_LIMIT,
    rootModule: () => SandboxModule.withOptions(options),
    configure: (app) => keepBodiesAsText(app.getHttpAdapter().getInstance()),
  });
}

/**
 * Bodies are recorded exactly as sent (a webhook signature covers the raw
 * bytes), whatever the content type says; the partner APIs parse them.
 */
function keepBodiesAsText(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
}
