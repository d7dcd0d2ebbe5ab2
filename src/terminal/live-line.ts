/**
 * One line on stderr that redraws in place for a person at a terminal: a spinner, what is going
 * on, and the time it has taken. It redraws at most four times a second (more is flicker and
 * CPU for nobody), cuts the text to the terminal's width (a wrapped line cannot be redrawn in
 * place) and ends cleared, or replaced by one final line. Never stdout: that is the protocol's.
 */
import { stripVTControlCharacters as stripAnsi } from "node:util";
import type { Style } from "./style.ts";

export const redrawIntervalMs = 250;

/** Where the line is drawn: process.stderr, or a fake in tests. */
export type LineOutput = { write(text: string): unknown; columns?: number };

const spinner = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
/** Carriage return, then erase the whole line: the start of every redraw. */
export const clearLine = "\r\x1b[2K";

export class LiveLine {
  readonly #out: LineOutput;
  readonly #style: Style;
  readonly #started: number;
  readonly #now: () => number;
  #render: (elapsedMs: number) => string = () => "";
  #timer: ReturnType<typeof setInterval> | undefined;
  #frame = 0;

  constructor(out: LineOutput, style: Style, now: () => number = Date.now) {
    this.#out = out;
    this.#style = style;
    this.#now = now;
    this.#started = now();
  }

  /**
   * Shows `text` (or what `render` returns at each redraw) from now on, and starts redrawing.
   *
   * @example
   * line.show("connecting to broker-1:9092");
   * line.show((elapsedMs) => `${count} records`);
   */
  show(text: string | ((elapsedMs: number) => string)): void {
    this.#render = typeof text === "string" ? () => text : text;
    this.draw();
    this.#timer ??= setInterval(() => this.draw(), redrawIntervalMs);
    // The line must never be what keeps the process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Redraws now; the timer calls it, tests call it themselves. */
  draw(): void {
    const elapsedMs = this.#now() - this.#started;
    const head = `${this.#style.cyan(spinner.charAt(this.#frame++ % spinner.length))} `;
    const tail = this.#style.dim(` ${formatDuration(elapsedMs)}`);
    const width = (this.#out.columns || 80) - 1;
    const room = width - stripAnsi(head).length - stripAnsi(tail).length;
    this.#out.write(`${clearLine}${head}${cut(this.#render(elapsedMs), room)}${tail}`);
  }

  /** Stops redrawing and clears the line, leaving `final` (a summary) in its place when given. */
  stop(final?: string): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#out.write(`${clearLine}${final === undefined ? "" : `${final}\n`}`);
  }

  /** Milliseconds since the line was made. */
  elapsed(): number {
    return this.#now() - this.#started;
  }
}

/** Cuts styled text to `room` visible characters, with an ellipsis; a line that had to be cut is drawn plain. */
function cut(text: string, room: number): string {
  if (stripAnsi(text).length <= room) return text;
  const plain = stripAnsi(text);
  return `${plain.slice(0, Math.max(0, room - 1))}…`;
}

/**
 * @example
 * formatDuration(4_200) // "4.2s"
 * formatDuration(200_000) // "3m20s"
 * formatDuration(3_720_000) // "1h02m"
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
}
