/** Polls `probe` every `intervalMs` until it returns a value or `timeoutMs` passed (then undefined). */
export async function pollUntil<T>(timeoutMs: number, intervalMs: number, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
