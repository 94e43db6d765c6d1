/** Small helpers the runner and the faults share. */

export async function retrying(send: () => Promise<{ status: number; body: unknown }>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await send().catch((error: Error) => ({ status: 0, body: error.message }));
    if (res.status >= 200 && res.status < 300) return;
    if (res.status !== 0 && res.status < 500)
      throw new Error(`the ERP's request was refused: ${res.status} ${JSON.stringify(res.body)}`);
    if (Date.now() > deadline)
      throw new Error(`the ERP's request never got an answer: ${JSON.stringify(res.body)}`);
    await sleep(300);
  }
}

export async function expect<T = unknown>(
  call: Promise<{ status: number; body: unknown }>,
  statuses: number[],
): Promise<T> {
  const res = await call;
  if (!statuses.includes(res.status))
    throw new Error(`unexpected answer ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}

export async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
