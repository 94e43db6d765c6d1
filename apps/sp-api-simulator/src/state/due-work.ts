interface Work {
  dueAt: number;
  seq: number;
  label: string;
  run: (dueAt: number) => void;
}

/**
 * Work that Amazon does later (applying an accepted PATCH, finishing a feed), run in due-time order
 * the next time anyone looks. Running lazily keeps the simulator free of timers and deterministic,
 * and each effect is stamped with its due time, not with the time it was noticed.
 */
export class DueWork {
  private queue: Work[] = [];
  private seq = 0;

  schedule(dueAt: number, label: string, run: (dueAt: number) => void): void {
    const work: Work = { dueAt, seq: this.seq++, label, run };
    let index = this.queue.length;
    while (index > 0 && this.queue[index - 1].dueAt > dueAt) index--;
    this.queue.splice(index, 0, work);
  }

  runDue(now: number): number {
    let ran = 0;
    while (this.queue.length > 0 && this.queue[0].dueAt <= now) {
      const work = this.queue.shift();
      if (!work) break;
      work.run(work.dueAt);
      ran++;
    }
    return ran;
  }

  pending(label?: string): number {
    return label === undefined ? this.queue.length : this.queue.filter((w) => w.label === label).length;
  }

  clear(): void {
    this.queue = [];
  }
}
