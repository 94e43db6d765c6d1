import { Writable } from 'node:stream';

/** A pino destination that keeps every JSON line written to it, parsed. */
export class LogCapture extends Writable {
  readonly raw: string[] = [];

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    done: (error?: Error | null) => void,
  ): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.raw.push(line);
    done();
  }

  get lines(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  find(msg: string): Record<string, unknown> | undefined {
    return this.lines.find((line) => line['msg'] === msg);
  }
}
