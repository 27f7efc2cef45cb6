import { parseInstant } from './time';

describe(parseInstant.name, () => {
  it('reads calendar date-times with a zone, to the millisecond', () => {
    expect(parseInstant('2026-12-03T07:30:00Z')).toBe(Date.UTC(2026, 11, 3, 7, 30));
    expect(parseInstant('2026-12-03t07:30:00z')).toBe(Date.UTC(2026, 11, 3, 7, 30));
    expect(parseInstant('2026-12-03T07:30Z')).toBe(Date.UTC(2026, 11, 3, 7, 30));
    expect(parseInstant('2026-12-03T08:30:00.250+01:00')).toBe(Date.UTC(2026, 11, 3, 7, 30, 0, 250));
    expect(parseInstant('2026-12-03T02:00:00.123456789-05:30')).toBe(Date.UTC(2026, 11, 3, 7, 30, 0, 123));
    expect(parseInstant('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
  });

  it('refuses what it would have to guess: week and ordinal dates, a decimal comma, no zone', () => {
    for (const text of [
      '2026-W49-4T07:30:00Z',
      '2026-337T07:30:00Z',
      '2026-12-03T07:30:00,000Z',
      '2026-12-03T07:30:00',
      '2026-12-03',
      '20261203T073000Z',
      'yesterday',
      '',
    ])
      expect({ text, read: parseInstant(text) }).toEqual({ text, read: undefined });
  });

  it('refuses dates and times that do not exist instead of rolling them over', () => {
    for (const text of [
      '2026-02-29T00:00:00Z',
      '2026-02-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-31T23:59:60Z',
      '2026-12-01T10:15:00+24:00',
    ])
      expect({ text, read: parseInstant(text) }).toEqual({ text, read: undefined });
  });
});
