/**
 * Errors that cross a boundary. Callers decide by type, never by message:
 * a `RetriableError` may succeed later (broker away, store down, timeout), a
 * `FatalError` never will (message too large, bad configuration), and a
 * `ValidationError` names the field of the input that is wrong.
 */
export class RetriableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableError';
  }
}

export class FatalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FatalError';
  }
}

export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
  }
}
