// Lists consumer groups on the broker (shows that the group-free path creates none).
// --delete-prefix P deletes the groups whose id starts with P first (the kafkajs throw-away groups).
// Usage: bun bench/client-decision/groups.ts [--broker 127.0.0.1:49092] [--delete-prefix decision-throwaway-]
import { Admin } from "@platformatic/kafka";
import { arg } from "./common.ts";

const admin = new Admin({ clientId: "decision-groups", bootstrapBrokers: [arg("broker", "127.0.0.1:49092")] });
const prefix = arg("delete-prefix", "");
if (prefix) {
  const doomed = [...(await admin.listGroups()).keys()].filter((g) => g.startsWith(prefix));
  if (doomed.length) await admin.deleteGroups({ groups: doomed });
}
const groups = [...(await admin.listGroups()).keys()].sort();
console.log(JSON.stringify({ groupCount: groups.length, groups }));
await admin.close();
