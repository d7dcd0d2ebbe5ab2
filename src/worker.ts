/** Entry point of a read worker thread; see worker-url.ts for why it sits beside main.ts. */
import "./worker/worker.ts";
