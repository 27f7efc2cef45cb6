import { PeriodicTask } from './periodic-task';

describe(PeriodicTask.name, () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('never overlaps runs, and a kick during a run asks for exactly one more', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release!: () => void;
    const sut = new PeriodicTask({
      name: 'test',
      everyMs: 60_000,
      run: async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((r) => (release = r));
        active--;
      },
    });
    sut.start();
    await tick(5);
    sut.kick();
    sut.kick();
    release();
    await tick(5);
    release();
    await tick(5);
    expect(runs).toBe(2);
    expect(maxActive).toBe(1);
    await sut.stop();
  });

  it('stop waits for the run in progress and nothing runs afterwards', async () => {
    let runs = 0;
    let finished = false;
    const sut = new PeriodicTask({
      name: 'test',
      everyMs: 1,
      jitter: 0,
      run: async () => {
        runs++;
        await tick(20);
        finished = true;
      },
    });
    sut.start();
    await tick(5);
    await sut.stop();
    expect(finished).toBe(true);
    const after = runs;
    sut.kick();
    await tick(20);
    expect(runs).toBe(after);
  });

  it('keeps its schedule after a failed run', async () => {
    let runs = 0;
    const sut = new PeriodicTask({
      name: 'test',
      everyMs: 5,
      jitter: 0,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error('boom');
      },
    });
    sut.start();
    await tick(60);
    await sut.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
