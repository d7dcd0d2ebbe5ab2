/**
 * Instants, dates and times of day as text: RFC 3339 in UTC, `YYYY-MM-DD`, `HH:MM:SS.fraction`.
 * Counts are bigints so that microseconds and nanoseconds since 1970 stay exact; a count before
 * 1970 is negative, and its fraction of a second still counts forward from the whole second
 * below it (-1 ms is 1969-12-31T23:59:59.999Z).
 *
 *   dateTime(-1n, 1000n, 3, "Z")      // "1969-12-31T23:59:59.999Z"
 *   calendarDate(19783)               // "2024-03-01"
 *   timeOfDay(3723500n, 1000n, 3)     // "01:02:03.500"
 */

/** `count` units of 1/`perSecond` s (perSecond = 10^digits) since 1970-01-01T00:00:00, and `zone` ("Z", or "" for a local time). */
export function dateTime(count: bigint, perSecond: bigint, digits: number, zone: "Z" | ""): string {
  const { seconds, fraction } = split(count, perSecond);
  // Beyond Date's ±273,790 years: the decoder reports a value it cannot decode.
  if (seconds > maxSeconds || seconds < -maxSeconds)
    throw new RangeError(`instant ${count} (1/${perSecond} s) is beyond ±273,790 years`);
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, -5)}${fractionText(fraction, digits)}${zone}`;
}

const maxSeconds = 8_640_000_000_000n;

/** Days since 1970-01-01 as YYYY-MM-DD. */
export function calendarDate(days: number): string {
  if (Math.abs(days) > 100_000_000) throw new RangeError(`date ${days} (days since 1970) is beyond ±273,790 years`);
  return new Date(days * 86_400_000).toISOString().slice(0, -14);
}

/** `count` units of 1/`perSecond` s (perSecond = 10^digits) after midnight as HH:MM:SS.fraction. */
export function timeOfDay(count: bigint, perSecond: bigint, digits: number): string {
  if (count < 0n || count >= 86_400n * perSecond) throw new RangeError(`time of day ${count} is outside one day`);
  const { seconds, fraction } = split(count, perSecond);
  const s = Number(seconds);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${fractionText(fraction, digits)}`;
}

/** The fewest of 0, 3, 6 or 9 digits that show `nanos` exactly, as the proto3 JSON mapping writes fractions. */
export function nanoDigits(nanos: number): number {
  if (nanos === 0) return 0;
  if (nanos % 1_000_000 === 0) return 3;
  if (nanos % 1_000 === 0) return 6;
  return 9;
}

/** Whole seconds (rounded down) and what is left, in [0, perSecond). */
function split(count: bigint, perSecond: bigint): { seconds: bigint; fraction: bigint } {
  let seconds = count / perSecond;
  let fraction = count % perSecond;
  if (fraction < 0n) {
    fraction += perSecond;
    seconds -= 1n;
  }
  return { seconds, fraction };
}

/** `fraction` of a second, in units of 10^-`digits` s, as ".ddd", or "" for no digits. */
function fractionText(fraction: bigint, digits: number): string {
  return digits === 0 ? "" : `.${fraction.toString().padStart(digits, "0")}`;
}
