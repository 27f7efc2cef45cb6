import { loggableUrl, scrubKeys, scrubRecord } from './scrub';

describe('what a log line may say', () => {
  it('keeps query parameter names, never their values', () => {
    expect(loggableUrl('/v1/opportunities?api_key=abc&limit=5&token=xyz#frag')).toBe(
      '/v1/opportunities?api_key=[redacted]&limit=[redacted]&token=[redacted]#frag',
    );
    expect(loggableUrl('/v1/opportunities/opp_1')).toBe('/v1/opportunities/opp_1');
  });

  it('removes an API key wherever it stands', () => {
    expect(scrubKeys('unknown key cppo_AbC-123_x in /v1/cppo_9')).toBe(
      'unknown key cppo_[redacted] in /v1/cppo_[redacted]',
    );
    expect(loggableUrl('/v1/x/cppo_secretkey')).toBe('/v1/x/cppo_[redacted]');
    expect(scrubRecord({ err: { message: 'bad cppo_k1' }, n: 1 })).toEqual({
      err: { message: 'bad cppo_[redacted]' },
      n: 1,
    });
    const socket = new (class Socket {
      self = this; // circular, as a real socket is
    })();
    expect(scrubRecord({ res: socket, note: 'cppo_x' })).toEqual({ res: socket, note: 'cppo_[redacted]' });
    expect(scrubRecord({ err: new Error('refused cppo_k2') })).toEqual({
      err: {
        type: 'Error',
        message: 'refused cppo_[redacted]',
        stack: expect.not.stringContaining('cppo_k2'),
      },
    });
  });
});
