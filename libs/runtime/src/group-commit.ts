/**
 * Group commit: callers add items one at a time, and `write` gets them in batches — the first alone at
 * once, then whatever arrived while a write was in flight, together (up to `max`). No timer: under no load
 * nothing waits, under load round trips are shared. Each caller's promise settles with its own items'
 * part of the answer (`split`), or with the batch's error.
 */
export class GroupCommit<T, R> {
  private queue: { items: T[]; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly max = 500,
  ) {}

  /** Adds `items` to the next batch; resolves with the answers to them (one per item, in order). */
  add(items: T[]): Promise<R[]> {
    if (!items.length) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      let pending = items.length;
      const answers: R[] = new Array<R>(items.length);
      items.forEach((item, i) =>
        this.queue.push({
          items: [item],
          resolve: (result) => {
            answers[i] = result;
            if (--pending === 0) resolve(answers);
          },
          reject,
        }),
      );
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.max);
        try {
          const results = await this.write(batch.flatMap((entry) => entry.items));
          batch.forEach((entry, i) => entry.resolve(results[i]));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
