/* eslint-disable no-restricted-properties -- a stand-alone baseline server, outside the services */
import Fastify from 'fastify';

/**
 * The baseline of the ingest benchmark: a bare Fastify server that parses the
 * JSON body and answers 204, nothing else.
 */
const app = Fastify({ bodyLimit: 1024 * 1024 });
app.post('/v1/hit/:siteId/:containerId', async (_request, reply) => reply.status(204).send());
// Exit normally on the benchmark's SIGTERM, so a `--cpu-prof` profile is written.
process.once('SIGTERM', () => process.exit(0));
app.listen({ port: Number(process.env.HTTP_PORT ?? 0), host: '127.0.0.1' }).then((address) => {
  process.stdout.write(`listening ${address}\n`);
});
