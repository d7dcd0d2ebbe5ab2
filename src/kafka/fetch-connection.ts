/**
 * A connection to one broker that carries a worker's fetches, with each response read into one
 * receive buffer that the connection keeps and reuses.
 *
 * Through the client library, a 512 KiB response arrived as a list of socket chunks that it kept
 * until the whole response was in, joined where a partition's records spanned two chunks, and
 * read through a multi-chunk reader: garbage of the response's size and more, every fetch, which
 * took a full collection every 16 MiB to keep memory down (docs/decisions/0005). Here each chunk
 * is copied into the buffer as it comes and dropped, and the records are read as views into the
 * buffer (docs/decisions/0010-fetch-path-round-three.md).
 *
 * The library still connects: its Connection does TCP, TLS, SASL (PLAIN, SCRAM, OAUTHBEARER, MSK
 * IAM) and re-authentication (KIP-368), exactly as for its own requests. Once it is connected this
 * takes the socket's data over: frames answering our fetches are read here; any other frame (a
 * re-authentication's) goes to the library's own reader, whole.
 *
 * One fetch at a time, and the bytes of a response stay valid until the next fetch on the
 * connection: the caller reads its records before fetching again from the same broker.
 */
import type { Socket } from "node:net";
import { Connection, NetworkError, TimeoutError, Writer } from "@platformatic/kafka";
import { releaseBytes } from "./release-bytes.ts";

export type FetchConnectionOptions = {
  clientId: string;
  connectTimeoutMs: number;
  /** How long a response may take beyond the fetch's own max wait. */
  requestTimeoutMs: number;
  /** TLS and SASL options in the library's terms (security.ts). */
  security: object;
  /** Called with the library's connection before it connects (to watch its errors). */
  watch?: (connection: Connection) => void;
};

const fetchApiKey = 1;
/**
 * The library numbers its own requests on a connection (SASL, re-authentication) from 1; ours
 * start far above, so that a frame's correlation id says whose it is.
 */
const firstCorrelationId = 0x40000000;
/** Room for a 512 KiB fetch and its framing; a larger response makes the buffer grow. */
const initialBufferBytes = (1 << 20) + (64 << 10);
/** A buffer grown past this for one large response goes back to the initial size afterwards. */
const keptBufferBytes = 4 * initialBufferBytes;

type Waiting = {
  correlationId: number;
  resolve: (body: Uint8Array) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

export class FetchConnection {
  readonly #library: Connection;
  readonly #socket: Socket;
  readonly #clientId: string;
  readonly #requestTimeoutMs: number;
  /** The library's data listener, for the frames that are not ours. */
  readonly #libraryData: (chunk: Buffer) => void;
  #buffer = new Uint8Array(initialBufferBytes);
  #view = new DataView(this.#buffer.buffer);
  /** Received bytes not yet framed are `#buffer[#start, #end)`. */
  #start = 0;
  #end = 0;
  /** A response was handed out since the last fetch: its bytes must stay where they are. */
  #lent = false;
  #correlationId = firstCorrelationId;
  #waiting: Waiting | null = null;
  #failure: Error | null = null;

  /** Connects (and authenticates) to `host:port`; rejects with the library's errors, as its own connections do. */
  static async open(host: string, port: number, options: FetchConnectionOptions): Promise<FetchConnection> {
    const library = new Connection(options.clientId, {
      connectTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      ...options.security,
    });
    // An EventEmitter without an error listener throws on "error"; failures reach us as rejections.
    library.on("error", () => {});
    options.watch?.(library);
    await library.connect(host, port);
    return new FetchConnection(library, options);
  }

  private constructor(library: Connection, options: FetchConnectionOptions) {
    this.#library = library;
    this.#clientId = options.clientId;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#socket = library.socket as Socket;
    const [libraryData] = this.#socket.listeners("data") as ((chunk: Buffer) => void)[];
    if (!libraryData)
      throw new Error("the Kafka client library's connection has no data listener (docs/decisions/0010)");
    this.#libraryData = libraryData;
    this.#socket.removeListener("data", libraryData);
    this.#socket.on("data", (chunk: Buffer) => this.#receive(chunk));
    this.#socket.on("close", () => this.#fail(new NetworkError("Connection closed")));
  }

  /** False once the socket failed or closed: the client opens another. */
  get usable(): boolean {
    return this.#failure === null;
  }

  /**
   * Sends a Fetch request of `version` with `body` and resolves with the response's bytes after
   * its correlation id (the response header's tagged fields come first). They are a view into
   * the receive buffer, valid until the next fetch on this connection.
   */
  async fetch(version: number, body: Writer, maxWaitMs: number): Promise<Uint8Array> {
    if (this.#failure) throw this.#failure;
    if (this.#waiting) throw new Error("FetchConnection.fetch called while a fetch is in flight");
    await this.#authenticated();
    this.#reclaim();
    this.#correlationId = this.#correlationId >= 0x7fffffff ? firstCorrelationId : this.#correlationId + 1;
    const correlationId = this.#correlationId;
    const frame = Writer.create()
      .appendInt16(fetchApiKey)
      .appendInt16(version)
      .appendInt32(correlationId)
      .appendString(this.#clientId, false)
      .appendTaggedFields()
      .appendFrom(body)
      .prependLength();
    return await new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new TimeoutError("Request timed out", { canRetry: true }));
        this.#socket.destroy();
      }, maxWaitMs + this.#requestTimeoutMs);
      this.#waiting = { correlationId, resolve, reject, timer };
      this.#socket.write(frame.buffer);
    });
  }

  async close(): Promise<void> {
    this.#fail(new NetworkError("Connection closed"));
    await this.#library.close().catch(() => {});
  }

  /**
   * Waits out a re-authentication the library has begun: a fetch sent between its SASL
   * requests would be read by the broker as part of them.
   */
  async #authenticated(): Promise<void> {
    while (this.#library.status === "reauthenticating") {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#library.removeListener("connect", done);
          this.#library.removeListener("close", done);
          this.#library.removeListener("error", done);
          resolve();
        };
        this.#library.once("connect", done);
        this.#library.once("close", done);
        this.#library.once("error", done);
      });
      if (this.#failure) throw this.#failure;
    }
    if (this.#library.status !== "connected") throw this.#failure ?? new NetworkError("Connection closed");
  }

  /** The last response is read: its bytes may be overwritten, and a buffer grown for it shrinks back. */
  #reclaim(): void {
    this.#lent = false;
    const unread = this.#end - this.#start;
    if (this.#buffer.length > keptBufferBytes && unread <= initialBufferBytes) {
      const smaller = new Uint8Array(initialBufferBytes);
      smaller.set(this.#buffer.subarray(this.#start, this.#end));
      this.#setBuffer(smaller);
    } else if (this.#start > 0) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
    }
    this.#start = 0;
    this.#end = unread;
  }

  #receive(chunk: Buffer): void {
    this.#room(chunk.length);
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
    // Bun allocates each read anew: its bytes are freed now, not at the next collection.
    releaseBytes(chunk);
    while (this.#end - this.#start >= 8) {
      const size = this.#view.getInt32(this.#start);
      if (size < 4) {
        this.#corrupt(`a response frame of ${size} bytes`);
        return;
      }
      if (this.#end - this.#start < 4 + size) {
        // Room for the whole frame now, so that it is not moved again chunk by chunk.
        this.#room(4 + size - (this.#end - this.#start));
        return;
      }
      const at = this.#start;
      this.#start += 4 + size;
      const correlationId = this.#view.getInt32(at + 4);
      const waiting = this.#waiting;
      if (waiting && correlationId === waiting.correlationId) {
        this.#waiting = null;
        clearTimeout(waiting.timer);
        this.#lent = true;
        waiting.resolve(this.#buffer.subarray(at + 8, at + 4 + size));
      } else {
        // The library's own request (re-authentication): its reader takes whole frames as well.
        this.#libraryData(Buffer.from(this.#buffer.subarray(at, at + 4 + size)));
      }
    }
  }

  /** Makes room for `more` bytes after `#end`: moving the unread bytes forward, or into a larger buffer. */
  #room(more: number): void {
    if (this.#end + more <= this.#buffer.length) return;
    const unread = this.#end - this.#start;
    if (!this.#lent && unread + more <= this.#buffer.length) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
    } else {
      // A lent response's bytes stay in the old buffer, which its views keep alive until read.
      const larger = new Uint8Array(Math.max(this.#buffer.length * 2, unread + more));
      larger.set(this.#buffer.subarray(this.#start, this.#end));
      this.#setBuffer(larger);
    }
    this.#start = 0;
    this.#end = unread;
  }

  #setBuffer(buffer: Uint8Array<ArrayBuffer>): void {
    this.#buffer = buffer;
    this.#view = new DataView(buffer.buffer);
  }

  #corrupt(what: string): void {
    this.#fail(new NetworkError(`Broker sent ${what}`));
    this.#socket.destroy();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const waiting = this.#waiting;
    if (!waiting) return;
    this.#waiting = null;
    clearTimeout(waiting.timer);
    waiting.reject(this.#failure);
  }
}
