import { emptyTally, tallyText, tallyTokens } from '../../util/token-estimate.js';
import type { UpstreamEvent } from '../types.js';

interface Counts {
  text: number;
  reasoning: number;
  tool: number;
}

const zero = (): Counts => ({ text: 0, reasoning: 0, tool: 0 });

/**
 * What one turn has relayed so far, across the sockets it was read from. A socket reattached with
 * `mode=attach` replays the latest turn from its start (docs/monkeycode-protocol.md §5.5 attach, steps 1–5), and replayed
 * chunks "may be coarser (adjacent chunks merged) than live ones", so a frame key (docs/monkeycode-protocol.md §5.7: the web
 * client dedupes on type/kind/seq/timestamp/data) would miss merged chunks. The cursor counts
 * instead: characters of text and of reasoning and the number of tool events relayed; on each
 * socket it counts again from zero and lets through only what lies beyond what was relayed (the
 * tail of a merged chunk that straddles the boundary included).
 */
export class ResumeCursor {
  readonly #relayed: Counts = zero();
  #seen: Counts = zero();
  /** `turn-started` went out (once per turn, whatever the sockets). */
  started = false;
  /** The turn is known to exist upstream: some business frame of it was read. */
  acknowledged = false;
  /** Agent questions already declined (a replay repeats the question). */
  readonly answered = new Set<string>();
  /** When the turn last made progress (ms): the turn timeout counts from here across sockets. */
  progressAt: number;

  constructor(now: number) {
    this.progressAt = now;
  }

  readonly #output = emptyTally();

  /** Estimated tokens of the text and reasoning relayed (when the task reports no stats). */
  get outputTokens(): number {
    return tallyTokens(this.#output);
  }

  /** A new socket starts: its replay is counted from the turn's start again. */
  beginSocket(): void {
    this.#seen = zero();
  }

  /** The part of `event` that was not relayed yet, or null when all of it was. */
  admit(event: UpstreamEvent): UpstreamEvent | null {
    if (event.type === 'text' || event.type === 'reasoning') {
      const start = this.#seen[event.type];
      const end = start + event.text.length;
      this.#seen[event.type] = end;
      const relayed = this.#relayed[event.type];
      if (end <= relayed) return null;
      this.#relayed[event.type] = end;
      const admitted =
        start >= relayed ? event : { type: event.type, text: event.text.slice(relayed - start) };
      tallyText(this.#output, admitted.text);
      return admitted;
    }
    if (event.type === 'tool-activity') {
      this.#seen.tool += 1;
      if (this.#seen.tool <= this.#relayed.tool) return null;
      this.#relayed.tool = this.#seen.tool;
    }
    return event;
  }
}
