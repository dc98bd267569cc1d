import { HttpException, HttpStatus } from '@nestjs/common';

export interface ErrorBody {
  error: {
    status: number;
    /** Stable, machine-readable: clients switch on this, never on `message`. */
    code: string;
    message: string;
    field?: string;
    /** Batch: every bad item with its index and field. */
    items?: { index: number; field: string; message: string }[];
  };
}

/** An HTTP answer with the stable JSON error body and optional headers. */
export class IngestHttpError extends HttpException {
  constructor(
    status: HttpStatus,
    code: string,
    message: string,
    readonly extra: {
      field?: string;
      items?: ErrorBody['error']['items'];
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(
      {
        error: { status, code, message, field: extra.field, items: extra.items },
      } satisfies ErrorBody,
      status,
    );
  }
}

export const unknownContainer = (siteId: string, containerId: string) =>
  new IngestHttpError(
    HttpStatus.NOT_FOUND,
    'unknown_container',
    `no container ${containerId} in site ${siteId}`,
  );

export const badWriteKey = (provided: boolean) =>
  new IngestHttpError(
    HttpStatus.UNAUTHORIZED,
    provided ? 'invalid_write_key' : 'missing_write_key',
    provided
      ? 'the write key is not valid for this container'
      : 'send the write key in X-Api-Key (or ?key= on GET)',
  );

export const tooLarge = (what: string, limit: number) =>
  new IngestHttpError(
    HttpStatus.PAYLOAD_TOO_LARGE,
    'too_large',
    `${what} is larger than ${limit} bytes`,
  );

export const rateLimited = (retryAfterSeconds: number) =>
  new IngestHttpError(
    HttpStatus.TOO_MANY_REQUESTS,
    'rate_limited',
    'this container is over its rate limit',
    {
      retryAfterSeconds,
    },
  );

export const forbiddenOrigin = (origin: string | undefined) =>
  new IngestHttpError(
    HttpStatus.FORBIDDEN,
    'origin_not_allowed',
    origin
      ? `origin ${origin} is not allowed for this container`
      : 'web hits need an Origin or Referer header',
  );
