/**
 * One line on a terminal (`\r`-redrawn), or a line per tenth when the output
 * is a file or a pipe, so logs stay readable.
 */
/** Where progress goes: a terminal (redrawn in place) or anything else that takes text. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressBar {
  private lastTenth = -1;

  constructor(
    private readonly stream: ProgressOutput,
    private readonly width = 30,
  ) {}

  update(done: number, total: number, detail: string): void {
    const ratio = total === 0 ? 1 : done / total;
    if (!this.stream.isTTY) {
      const tenth = Math.floor(ratio * 10);
      if (tenth === this.lastTenth) return;
      this.lastTenth = tenth;
      this.stream.write(`  ${Math.round(ratio * 100)}% ${done}/${total} ${detail}\n`);
      return;
    }
    const filled = Math.round(ratio * this.width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
    this.stream.write(
      `\r  ${bar} ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total} ${detail}\x1b[K`,
    );
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
