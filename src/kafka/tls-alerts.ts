import type { Admin, Connection, Consumer } from "@platformatic/kafka";

/**
 * TLS alerts the broker sent on this client's connections. The library reports a connection the
 * broker closed after such an alert only as "Connection closed" — as when a listener requiring
 * client certificates (mTLS) gets none, which TLS 1.3 tells after the handshake — so the alert
 * is kept here to name the TLS step instead of TCP.
 */
export class TlsAlerts {
  static readonly relevantMs = 30_000;
  #last: { message: string; at: number } | undefined;

  watch(client: Admin | Consumer): void {
    client.on("client:broker:connect", ({ connection }: { connection: Connection }) =>
      this.watchConnection(connection),
    );
  }

  watchConnection(connection: Connection): void {
    connection.on("error", (error: Error) => {
      const cause = error.cause instanceof Error ? error.cause : error;
      if (/ALERT|certificate/i.test(cause.message)) this.#last = { message: cause.message, at: Date.now() };
    });
  }

  /** The last alert, if recent enough to explain a failure now. */
  recent(): string | undefined {
    return this.#last && Date.now() - this.#last.at < TlsAlerts.relevantMs ? this.#last.message : undefined;
  }
}
