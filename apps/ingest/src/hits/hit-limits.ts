/**
 * Bounds of what one hit may carry (documented in README, "Ingest API").
 * Generous for real data layers, small enough that a hostile client cannot
 * make one hit cost much memory or CPU anywhere in the pipeline.
 */
export const HIT_LIMITS = {
  /** Raw body of one hit (or query string of a GET hit). */
  hitBytes: 32 * 1024,
  /** Raw body of a batch. */
  batchBytes: 1024 * 1024,
  batchHits: 500,
  variables: 100,
  nameLength: 64,
  stringLength: 2048,
  /** Objects and arrays inside a variable value, counting the value itself. */
  depth: 3,
  arrayItems: 50,
  objectKeys: 50,
  cookies: 50,
  cookieLength: 4096,
  consentCategories: 20,
  urlLength: 2048,
} as const;

/** Variable and cookie names: what data layers and cookies use in practice. */
export const NAME_PATTERN = /^[A-Za-z0-9_.$-]{1,64}$/;
