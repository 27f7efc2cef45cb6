import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SqsEmulator } from '@cppo/testing';

/** What every suite shares: the Mongo provider's server, the SQS emulator and a client. */
export interface BenchContext {
  mongoUrl: string;
  emulator: SqsEmulator;
  sqs: SQSClient;
}

/** One figure, next to the baseline measured in the same run (the ratio is printed). */
export interface Row {
  suite: string;
  figure: string;
  value: number;
  unit: string;
  baseline?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function printRows(rows: Row[], header: string): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\n${header}`);
  out(
    `${'suite'.padEnd(9)}${'figure'.padEnd(58)}${'value'.padStart(12)}  ${'unit'.padEnd(6)}${'of baseline'.padStart(12)}`,
  );
  for (const row of rows) {
    const ratio = row.baseline ? `${((row.value / row.baseline) * 100).toFixed(1)}%` : '';
    out(
      `${row.suite.padEnd(9)}${row.figure.padEnd(58)}${row.value.toFixed(row.value < 100 ? 1 : 0).padStart(12)}  ${row.unit.padEnd(6)}${ratio.padStart(12)}`,
    );
  }
}
