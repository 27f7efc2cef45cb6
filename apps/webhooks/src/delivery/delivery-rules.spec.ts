import { nextAttemptDelay, parseSchedule, retryAfterMs } from './retry-schedule';
import { addressRefusal, TargetGuard } from './target-guard';
import { isKnownFilter, matches } from './event-types';

describe('retry schedule', () => {
  const schedule = parseSchedule('0,5s,5m,30m,2h,5h,10h,14h,20h,24h');

  it('reads the specification schedule and refuses what is not a duration, naming it', () => {
    expect(schedule).toEqual([
      0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000,
    ]);
    expect(parseSchedule('250ms, 1d')).toEqual([250, 86_400_000]);
    expect(() => parseSchedule('0,5 minutes')).toThrow('"5 minutes" is not a duration');
  });

  it('waits the next delay with up to 10 % jitter, honours a longer Retry-After, and gives up after the last', () => {
    expect(nextAttemptDelay(schedule, 1, undefined, () => 0)).toBe(5000);
    expect(nextAttemptDelay(schedule, 1, undefined, () => 0.999)).toBe(5500);
    expect(nextAttemptDelay(schedule, 1, 60_000, () => 0)).toBe(60_000);
    expect(nextAttemptDelay(schedule, 2, 1000, () => 0)).toBe(300_000);
    expect(nextAttemptDelay(schedule, 9, undefined, () => 0)).toBe(86_400_000);
    expect(nextAttemptDelay(schedule, 10)).toBeUndefined();
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(1_000_000 + 30_000).toUTCString(), 1_000_000)).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('SSRF guard', () => {
  it('lets only public unicast addresses through', () => {
    expect(addressRefusal('93.184.216.34')).toBeUndefined();
    expect(addressRefusal('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
    for (const [address, rule] of [
      ['127.0.0.1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified'],
      ['::1', 'loopback'],
      ['fd12::1', 'private'],
      ['fe80::1', 'link-local'],
      ['::', 'unspecified'],
      ['::ffff:10.0.0.1', 'private'],
      ['100.64.0.1', 'carrier-grade NAT'],
    ])
      expect(addressRefusal(address)).toContain(rule);
  });

  it('allows a listed host (and port) over http; everyone else needs https and a public address', () => {
    const guard = new TargetGuard('localhost, 127.0.0.1:8080');
    expect(guard.refusal('http://localhost:3000/hook')).toBeUndefined();
    expect(guard.refusal('http://127.0.0.1:8080/hook')).toBeUndefined();
    expect(guard.refusal('http://127.0.0.1:8081/hook')).toContain('https');
    expect(guard.refusal('https://127.0.0.1:8081/hook')).toContain('loopback');
    expect(guard.refusal('https://user:pw@hooks.example.com/')).toContain('credentials');
    expect(guard.refusal('not a url')).toContain('absolute URL');
  });
});

describe('event type filters', () => {
  it('matches exact names, trailing wildcards and *, and knows which filters can match nothing', () => {
    expect(matches('entitlement.*', 'entitlement.activated')).toBe(true);
    expect(matches('entitlement.*', 'entitlements.x')).toBe(false);
    expect(matches('metering.*', 'metering.report.flagged')).toBe(true);
    expect(matches('*', 'webhook.test')).toBe(true);
    expect(isKnownFilter('metering.report.*')).toBe(true);
    expect(isKnownFilter('nothing.*')).toBe(false);
    expect(isKnownFilter('entitlement.activate')).toBe(false);
  });
});
