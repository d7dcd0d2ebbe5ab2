// bun scripts/with-broker.ts <command...>
// Runs the command with KAFKA_BOOTSTRAP set, starting the harness broker if there is
// neither a KAFKA_BOOTSTRAP nor a running harness broker — and then stopping it again.
import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import { down, HarnessError, running, up } from "../harness/kafka.ts";

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error("usage: bun scripts/with-broker.ts <command...>");
  process.exit(2);
}

let child: ChildProcess | undefined;
let ownBroker = false;

async function finish(code: number): Promise<never> {
  if (ownBroker) await down();
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // With a command running, let it exit first (it gets the signal too); the normal
    // exit path below then stops the broker. Before that, stop (a starting) broker now.
    if (child) child.kill(signal);
    else void finish(128 + constants.signals[signal]);
  });
}

let bootstrap = process.env.KAFKA_BOOTSTRAP;
if (!bootstrap) {
  const cluster = await running();
  if (cluster) {
    bootstrap = cluster.bootstrap;
  } else {
    ownBroker = true;
    try {
      bootstrap = (await up()).bootstrap;
    } catch (err) {
      if (!(err instanceof HarnessError)) throw err;
      console.error(`kafka harness: ${err.message}`);
      await finish(1);
    }
    // stderr, so the command's stdout stays its own
    console.error(`Kafka is up at ${bootstrap}`);
  }
}

child = spawn(command[0]!, command.slice(1), {
  stdio: "inherit",
  env: { ...process.env, KAFKA_BOOTSTRAP: bootstrap },
});
child.on("error", (err) => {
  console.error(`with-broker: cannot run ${command[0]}: ${err.message}`);
  void finish(127);
});
child.on("exit", (code, signal) => {
  void finish(code ?? 128 + constants.signals[signal!]);
});
