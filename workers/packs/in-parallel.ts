/**
 * Runs `work` over `items` with at most `limit` calls in flight, taking them in order, and
 * answers their results in the items' order. After a failure no new item starts; the calls
 * already running are waited for (so nothing of it still runs once it has answered), and then
 * the first failure rejects the whole. The caller's AbortSignal is what cuts them short.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const runner = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}
