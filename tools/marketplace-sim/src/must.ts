/** Unwraps a value the simulator's own invariants guarantee; a missing one is a bug, said loudly. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null)
    throw new Error(`marketplace-sim invariant broken: ${what} is missing`);
  return value;
}
