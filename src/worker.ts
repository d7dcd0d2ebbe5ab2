/** Entry point of a read worker thread; see worker-url.ts for why it sits beside main.ts. */
// First: it must run before the Kafka client library is loaded (see the file).
import { trustValidatorsOf } from "./kafka/lazy-validators.ts";
import { ajv } from "@platformatic/kafka";
import "./worker/worker.ts";

// The worker's client is built from the settings the main thread's client was built and checked from.
trustValidatorsOf(ajv);
