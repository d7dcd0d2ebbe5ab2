/**
 * Colours for the terminal line, or none: NO_COLOR (no-color.org: set and not empty) turns them
 * off. Decided here from stderr's side alone: consola's own colour switch looks at stdout, which
 * a person watching progress has redirected into a file or a loader.
 */
export type Style = Record<"bold" | "dim" | "cyan" | "green" | "yellow" | "red", (text: string) => string>;

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  cyan: [36, 39],
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
} as const;

/**
 * @example
 * createStyle(true).green("✔") // "\x1b[32m✔\x1b[39m"
 * createStyle(false).green("✔") // "✔"
 */
export function createStyle(colour: boolean): Style {
  const style = {} as Style;
  for (const [name, [open, close]] of Object.entries(codes)) {
    style[name as keyof Style] = colour ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
  }
  return style;
}

/** Colour unless NO_COLOR says otherwise. */
export function colourWanted(env: Record<string, string | undefined> = process.env): boolean {
  return !env.NO_COLOR;
}
