import { ValidationError } from '@tagrelay/contracts';
import { testEvent } from '../test-event.fixture';
import { DestinationRules } from './destination-rules';

describe(DestinationRules.name, () => {
  const defaults = { event_name: 'Purchase', custom_data: { value: 1, currency: 'EUR' } };

  it('overrides defaults with mapped fields (a/b or a.b); nothing keeps the default, null removes it', async () => {
    const sut = DestinationRules.compile(
      {
        'custom_data.value': '$number(variables.value) * 100',
        'custom_data.currency': 'null',
        'user_data/fbp': 'web.cookies._fbp',
        event_name: 'variables.missing',
      },
      null,
    );

    expect(await sut.apply(testEvent(), defaults)).toEqual({
      event_name: 'Purchase',
      custom_data: { value: 4990 },
      user_data: { fbp: 'fb.1.1733300000000.1098115397' },
    });
    expect(defaults.custom_data.currency).toBe('EUR');
  });

  it('filters with a JSONata condition', async () => {
    const sut = DestinationRules.compile({}, '$number(variables.value) > 100');

    expect(await sut.accepts(testEvent())).toBe(false);
    expect(await sut.accepts(testEvent({ variables: { value: 250 } }))).toBe(true);
    expect(await DestinationRules.compile({}, null).accepts(testEvent())).toBe(true);
  });

  it('names the expression that does not compile', () => {
    const compile = () => DestinationRules.compile({ 'user_data.em': 'variables.(' }, null);
    expect(compile).toThrow(ValidationError);
    expect(compile).toThrow(/^mapping\.user_data\.em: does not compile/);
    expect(() => DestinationRules.compile({ '__proto__.x': '1' }, null)).toThrow(
      'mapping.__proto__.x',
    );
    expect(() => DestinationRules.compile({}, '$$$(')).toThrow(/^filter: does not compile/);
  });

  it('stops an expression that never ends instead of stalling', async () => {
    const sut = DestinationRules.compile({ x: '($f := function($n) { $f($n + 1) }; $f(0))' }, null);

    await expect(sut.apply(testEvent(), {})).rejects.toThrow(/^mapping\.x: failed/);
  });
});
