/** A one-line progress bar redrawn in place (for a terminal only). */
export interface ProgressBar {
  update(done: number, total: number, note: string): void;
  /** Clear the bar's line. */
  finish(): void;
}

/** Draw `[#####-----] 5/10 note` with carriage returns through `write`. */
export function createProgressBar(write: (text: string) => void, width = 24): ProgressBar {
  let drawn = false;
  return {
    update(done, total, note) {
      const filled = total === 0 ? width : Math.round((width * done) / total);
      write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${note}`);
      drawn = true;
    },
    finish() {
      if (drawn) write('\r\x1b[K');
    },
  };
}
