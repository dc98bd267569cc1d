import jsonata from 'jsonata';
import { EnrichedEvent, ValidationError } from '@tagrelay/contracts';
import { isPlainObject } from '../common/event-fields';
import { parseFieldPath, setField } from '../common/field-path';

/**
 * NOTE: guardrails for expressions written by customers: an endless loop or a
 * runaway sequence fails that event instead of stalling the dispatcher.
 * TRICKY: JSONata measures `timeout` on the wall clock across awaits, so a
 * busy process made a trivial expression "time out" at 100 ms and the event
 * was dead-lettered (seen in the 10,000-hit end-to-end run). 5 s only stops
 * what is really runaway.
 */
const GUARDRAILS: jsonata.JsonataOptions = { timeout: 5000, stack: 200, sequence: 10_000 };

interface CompiledField {
  field: string;
  path: string[];
  expression: jsonata.Expression;
}

/**
 * A destination's mapping and filter (JSONata over the enriched event),
 * compiled once; the dispatcher keeps one per destination version.
 */
export class DestinationRules {
  private constructor(
    private readonly fields: CompiledField[],
    private readonly filter: jsonata.Expression | null,
  ) {}

  /** Compiles every expression; a bad one throws `ValidationError` naming it. */
  static compile(mapping: Record<string, string>, filter: string | null): DestinationRules {
    const fields = Object.entries(mapping).map(([field, source]) => {
      const path = parseFieldPath(field);
      if (!path) throw new ValidationError(`mapping.${field}`, 'not a field path (a/b/c)');
      return { field, path, expression: compileExpression(`mapping.${field}`, source) };
    });
    return new DestinationRules(
      fields,
      filter === null || filter.trim() === '' ? null : compileExpression('filter', filter),
    );
  }

  get hasFilter(): boolean {
    return this.filter !== null;
  }

  /** True when the event may be sent; an expression that fails throws `ValidationError`. */
  async accepts(event: EnrichedEvent): Promise<boolean> {
    if (!this.filter) return true;
    return isTruthy(await evaluate('filter', this.filter, event));
  }

  /**
   * The connector's defaults with the mapping applied: a field whose expression
   * yields nothing keeps its default, `null` removes it.
   */
  async apply(
    event: EnrichedEvent,
    defaults: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (this.fields.length === 0) return defaults;
    const result = structuredClone(defaults);
    for (const { field, path, expression } of this.fields) {
      const value = await evaluate(`mapping.${field}`, expression, event);
      if (value === undefined) continue;
      setField(result, path, value === null ? undefined : value);
    }
    return result;
  }
}

function compileExpression(field: string, source: string): jsonata.Expression {
  try {
    return jsonata(source, GUARDRAILS);
  } catch (error) {
    throw new ValidationError(field, `does not compile: ${describe(error)}`);
  }
}

async function evaluate(
  field: string,
  expression: jsonata.Expression,
  event: EnrichedEvent,
): Promise<unknown> {
  try {
    return plain(await expression.evaluate(event));
  } catch (error) {
    throw new ValidationError(field, `failed: ${describe(error)}`);
  }
}

/** JSONata results may be sequences (arrays with flags) or hold functions: keep JSON only. */
function plain(value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'object') return value;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isTruthy);
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** JSONata throws plain objects `{ code, message, position }`, not always Errors. */
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: string; message?: string };
    return [code, message].filter(Boolean).join(' ') || String(error);
  }
  return String(error);
}
