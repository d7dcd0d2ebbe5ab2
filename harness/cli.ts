// bun harness/cli.ts up|down|status|up-cluster|down-cluster|build-registry|fetch-debezium — manage
// the local Kafka broker, or the three-node cluster of the fault tests, build the schema registry
// the registry tests start, or fetch the Kafka Connect and Debezium jars the CDC tests run (see
// harness/README.md).
import { downCluster, upCluster } from "./cluster.ts";
import { brokerLog, down, HarnessError, readCluster, running, up } from "./kafka.ts";
import { ensureDebeziumLibs } from "./debezium.ts";
import { ensureBuilt } from "./registry.ts";

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case "up": {
      const cluster = await up();
      console.log(`Kafka is up at ${cluster.bootstrap}`);
      return 0;
    }
    case "down":
      console.log((await down()) ? "Kafka stopped" : "Kafka is not running");
      return 0;
    case "status": {
      const cluster = await running();
      if (cluster) {
        console.log(JSON.stringify(cluster, null, 2));
        return 0;
      }
      console.log(readCluster() ? `Kafka is not responding (see ${brokerLog()})` : "Kafka is not running");
      return 1;
    }
    case "up-cluster": {
      const cluster = await upCluster();
      console.log(`Kafka cluster of ${cluster.nodes.length} nodes is up at ${cluster.bootstrap}`);
      return 0;
    }
    case "down-cluster":
      console.log((await downCluster()) ? "Kafka cluster stopped" : "Kafka cluster is not running");
      return 0;
    case "build-registry":
      ensureBuilt();
      console.log("Apicurio Registry is built (harness/apicurio)");
      return 0;
    case "fetch-debezium":
      ensureDebeziumLibs();
      console.log("Kafka Connect and Debezium's jars are in .cache/debezium/libs");
      return 0;
    default:
      console.error("usage: bun harness/cli.ts up|down|status|up-cluster|down-cluster|build-registry|fetch-debezium");
      return 2;
  }
}

try {
  process.exit(await main(process.argv[2]));
} catch (err) {
  // Expected failures get one clear line; anything else is a bug and keeps its stack.
  if (!(err instanceof HarnessError)) throw err;
  console.error(`kafka harness: ${err.message}`);
  process.exit(1);
}
