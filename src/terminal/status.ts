/**
 * The status line of `check`, `discover` and `read` for a person at a terminal: what the command
 * is doing while it waits on the cluster, and one line at the end. Only when stderr is a terminal
 * and --quiet was not given; otherwise every call does nothing (nothing changes for platforms,
 * whose stderr is a pipe or a file), so commands need no `if`.
 */
import { LiveLine, type LineOutput } from "./live-line.ts";
import { colourWanted, createStyle, type Style } from "./style.ts";

export type Status = {
  style: Style;
  /** Says what is going on now, until the next step. */
  step(text: string): void;
  /** Like step, with text made afresh at each redraw (a read's progress). */
  show(render: (elapsedMs: number) => string): void;
  /** Clears the line, leaving `final` in its place when given; only the first call counts. */
  end(final?: string): void;
  /** Milliseconds since the status was opened. */
  elapsed(): number;
};

export type StatusOptions = {
  quiet?: boolean;
  /**
   * Whether the line may redraw while the command writes to stdout. Not while `read` writes
   * records to the same terminal: a redraw would land in the middle of them. Its final line is
   * still shown.
   */
  live?: boolean;
  out?: LineOutput & { isTTY?: boolean };
  env?: Record<string, string | undefined>;
};

/**
 * @example
 * const status = openStatus({ quiet: args.quiet });
 * status.step(`connecting to ${servers}`);
 * status.end(`${status.style.green("✔")} connected`);
 */
export function openStatus(options: StatusOptions = {}): Status {
  const out = options.out ?? process.stderr;
  if (options.quiet || !out.isTTY) return silent;
  const style = createStyle(colourWanted(options.env));
  const line = new LiveLine(out, style);
  const live = options.live !== false;
  let ended = false;
  return {
    style,
    step: (text) => live && !ended && line.show(text),
    show: (render) => live && !ended && line.show(render),
    end: (final) => {
      if (ended) return;
      ended = true;
      if (live) line.stop(final);
      else if (final !== undefined) out.write(`${final}\n`);
    },
    elapsed: () => line.elapsed(),
  };
}

const silent: Status = {
  style: createStyle(false),
  step: () => {},
  show: () => {},
  end: () => {},
  elapsed: () => 0,
};
