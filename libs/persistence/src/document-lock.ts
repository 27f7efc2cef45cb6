/**
 * Serializes writes to one document inside this process.
 *
 * MongoDB applies a conditional single-document update atomically, and our design relies on that. FerretDB
 * 1.x (the local and CI stand-in) does not: it reads the document, applies the operators, and writes the
 * whole document back, so two concurrent updates of one document can lose one of them (measured: 10
 * concurrent conditional updates, 3 "won"). Funnelling every conditional write of a document through this
 * lock makes a single process correct on FerretDB too, and costs nothing measurable on MongoDB.
 * Concurrent writers in different processes are safe only on MongoDB (docs/decisions/0002-ferretdb.md).
 */
export class DocumentLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** One lock per process, shared by every repository and the outbox relay. */
export const documentLock = new DocumentLock();
