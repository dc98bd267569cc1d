import { HIT_LIMITS } from '../hits/hit-limits';

const params = [
  { name: 'siteId', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'containerId', in: 'path', required: true, schema: { type: 'string' } },
];
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const errors = {
  '400': error('invalid input; `error.field` names the field'),
  '401': error('missing or wrong write key'),
  '404': error('unknown site or container'),
  '405': error('method not allowed (see `Allow`)'),
  '413': error('too large'),
  '415': error('unsupported media type'),
  '429': error('over the container rate limit (see `Retry-After`)'),
  '503': error('Kafka cannot take the write (see `Retry-After`); nothing was accepted'),
};
const accepted = {
  description: 'every hit is on the broker (acks=all)',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
};
const writeKey = [{ writeKey: [] }, { writeKeyQuery: [] }];

/** The ingest API's contract, served at `/docs`. */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Tagrelay ingest API',
    version: '1',
    description:
      `Incoming server hits and browser web hits. Limits: ${HIT_LIMITS.hitBytes} bytes per hit, ` +
      `${HIT_LIMITS.batchHits} hits and ${HIT_LIMITS.batchBytes} bytes per batch, ${HIT_LIMITS.variables} variables per hit, ` +
      `names of 1-${HIT_LIMITS.nameLength} characters [A-Za-z0-9_.$-], strings of at most ${HIT_LIMITS.stringLength} characters, ` +
      `values nested at most ${HIT_LIMITS.depth} levels, arrays of at most ${HIT_LIMITS.arrayItems} items.`,
  },
  components: {
    securitySchemes: {
      writeKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      writeKeyQuery: { type: 'apiKey', in: 'query', name: 'key' },
    },
    schemas: {
      Accepted: {
        type: 'object',
        properties: {
          accepted: { type: 'integer' },
          eventIds: { type: 'array', items: { type: 'string' } },
        },
      },
      Variables: {
        type: 'object',
        description: 'variables of the hit; `event_id` (a UUID) is taken as the event id',
        additionalProperties: true,
      },
      WebHit: {
        type: 'object',
        properties: {
          keys: { type: 'object', additionalProperties: { type: 'string' } },
          cookies: { type: 'object', additionalProperties: { type: 'string' } },
          variables: { type: 'object', additionalProperties: true },
          consent: { type: 'object', additionalProperties: { type: 'boolean' } },
          page: {
            type: 'object',
            properties: { url: { type: 'string' }, referrer: { type: 'string' } },
          },
        },
      },
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            required: ['status', 'code', 'message'],
            properties: {
              status: { type: 'integer' },
              code: { type: 'string' },
              message: { type: 'string' },
              field: { type: 'string' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    index: { type: 'integer' },
                    field: { type: 'string' },
                    message: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  paths: {
    '/v1/hit/{siteId}/{containerId}': {
      get: {
        summary: 'One server hit from query parameters',
        parameters: params,
        security: writeKey,
        responses: { '202': accepted, ...errors },
      },
      post: {
        summary: 'One server hit (JSON object or form-encoded)',
        parameters: params,
        security: writeKey,
        requestBody: {
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/Variables' } },
            'application/x-www-form-urlencoded': {
              schema: { $ref: '#/components/schemas/Variables' },
            },
          },
        },
        responses: { '202': accepted, ...errors },
      },
    },
    '/v1/batch/{siteId}/{containerId}': {
      post: {
        summary: 'Up to 500 server hits, all or nothing',
        parameters: params,
        security: writeKey,
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  hits: { type: 'array', items: { $ref: '#/components/schemas/Variables' } },
                },
              },
            },
          },
        },
        responses: { '202': accepted, ...errors },
      },
    },
    '/v1/web/{siteId}/{containerId}': {
      post: {
        summary: 'A web hit from the browser tag (JSON as application/json or text/plain)',
        parameters: params,
        requestBody: {
          content: { 'text/plain': { schema: { $ref: '#/components/schemas/WebHit' } } },
        },
        responses: {
          '204': { description: 'on the broker' },
          '403': error('origin not allowed'),
          ...errors,
        },
      },
      options: {
        summary: 'CORS preflight',
        parameters: params,
        responses: { '204': { description: 'allowed' } },
      },
    },
    '/v1/web/{siteId}/{containerId}/p.gif': {
      get: {
        summary: 'A web hit as a pixel: `d` is the URL-encoded JSON of the web hit',
        parameters: [...params, { name: 'd', in: 'query', schema: { type: 'string' } }],
        responses: {
          '200': { description: '1x1 GIF' },
          '403': error('origin not allowed'),
          ...errors,
        },
      },
    },
    '/v1/tag/{siteId}/{containerId}.js': {
      get: {
        summary: 'The browser tag for the container',
        parameters: params,
        responses: { '200': { description: 'JavaScript' } },
      },
    },
    '/{containerId}/': {
      get: {
        summary:
          'Server-to-server compatibility: the site id comes from the host `serverside<siteId>.<domain>`',
        parameters: [params[1]],
        security: writeKey,
        responses: { '202': accepted, ...errors },
      },
    },
    '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
    '/readyz': {
      get: {
        summary: 'Ready while Kafka takes writes',
        responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: { summary: 'Prometheus metrics', responses: { '200': { description: 'text format' } } },
    },
  },
} as const;
