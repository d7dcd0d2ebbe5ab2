/** Entry point of a read worker thread; see worker-url.ts for why it sits beside main.ts. */
// First: it must run before the Kafka client library is loaded (see the file).
import "./kafka/lazy-validators.ts";
import "./worker/worker.ts";
