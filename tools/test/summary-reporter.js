/**
 * Prints one plain closing line, `tests: N passed, N failed[, N skipped]`, after jest's own summary, so
 * that any CI reading the last lines can tell a run that tested something from one that did not.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.stdout.write(`\n${skipped ? `${line}, ${skipped} skipped` : line}\n`);
  }
}

module.exports = SummaryReporter;
