import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Partitions of an import's deal lines on local disk: a partition holds about 1/16 of the import's deals. */
const PARTITIONS = 16;
/** Bytes a partition buffers before it appends them to its file. */
const BUFFER = 256 * 1024;

/**
 * An import's deal lines parked on local disk while its files stream, by deal, so that each deal can then be
 * reconciled once with all of its new lines while memory holds only one partition (a sixteenth of the deals)
 * at a time, whatever the size of the import. Each line is `agreementId TAB line`; the files live in a
 * temporary directory removed by `close`.
 */
export class DealSpill {
  private readonly buffers: string[][] = Array.from({ length: PARTITIONS }, () => []);
  private readonly sizes = new Array<number>(PARTITIONS).fill(0);
  private readonly agreements = new Set<string>();

  private constructor(private readonly dir: string) {}

  static async open(): Promise<DealSpill> {
    return new DealSpill(await mkdtemp(join(tmpdir(), 'cppo-finance-')));
  }

  /** The deals with lines in the spill. */
  get deals(): ReadonlySet<string> {
    return this.agreements;
  }

  async add(agreementId: string, line: string): Promise<void> {
    this.agreements.add(agreementId);
    const p = partitionOf(agreementId);
    this.buffers[p].push(`${agreementId}\t${line}\n`);
    this.sizes[p] += agreementId.length + line.length + 2;
    if (this.sizes[p] >= BUFFER) await this.flush(p);
  }

  /** Each partition's deals with their lines, one partition in memory at a time. */
  async *partitions(): AsyncGenerator<Map<string, string[]>> {
    for (let p = 0; p < PARTITIONS; p++) await this.flush(p);
    for (let p = 0; p < PARTITIONS; p++) {
      const text = await readFile(this.file(p), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      const deals = new Map<string, string[]>();
      for (const entry of text.split('\n')) {
        const tab = entry.indexOf('\t');
        if (tab < 0) continue;
        const agreementId = entry.slice(0, tab);
        const lines = deals.get(agreementId);
        if (lines) lines.push(entry.slice(tab + 1));
        else deals.set(agreementId, [entry.slice(tab + 1)]);
      }
      if (deals.size) yield deals;
    }
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  private async flush(p: number): Promise<void> {
    if (!this.buffers[p].length) return;
    const text = this.buffers[p].join('');
    this.buffers[p] = [];
    this.sizes[p] = 0;
    await appendFile(this.file(p), text, 'utf8');
  }

  private file(p: number): string {
    return join(this.dir, `deals-${p}.tsv`);
  }
}

/** FNV-1a of the agreement id, to a partition. */
function partitionOf(agreementId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < agreementId.length; i++) hash = Math.imul(hash ^ agreementId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % PARTITIONS;
}
