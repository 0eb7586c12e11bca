// Running a list of jobs a few at a time, the heaviest first: with the longest lesson last in line, one
// worker would still be running it alone long after the others are done.

/**
 * Runs `work` over `items` with at most `jobs` at a time, starting them by decreasing `weight` (ties in
 * the given order); the results come back in the order of `items`.
 */
export async function pool<T, R>(
  items: readonly T[],
  jobs: number,
  work: (item: T, i: number) => Promise<R>,
  weight: (item: T) => number = () => 0,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const order = items.map((_, i) => i).sort((a, b) => weight(items[b]!) - weight(items[a]!) || a - b);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const i = order[next++]!;
      out[i] = await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return out;
}
