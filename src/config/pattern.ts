/** The topic patterns of the config: regular expressions that match whole topic names. */

/**
 * A pattern must match the whole name: `orders` selects `orders`, not `orders-dlq`. JavaScript's
 * syntax, which agrees with Java's (Kafka Connect's `topics.regex`) on the usual character
 * classes, groups, alternation and quantifiers.
 */
export function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/**
 * Whether `pattern` compiles; the config schema asks this before anything uses it. On its own
 * too: `a)|(b` compiles once wrapped, but would then no longer be anchored.
 */
export function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    anchored(pattern);
    return true;
  } catch {
    return false;
  }
}
