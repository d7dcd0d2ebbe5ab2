/** Faults a single broker can show: an unreachable cluster, and a stdout reader that goes away. */
import { beforeAll, describe, expect, test } from "bun:test";
import { bootstrap } from "../support/broker.ts";
import { closedPort } from "../support/net.ts";
import { catalog, command, jsonFile, run, runners, traces, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

describe.each(runners)("faults (%s)", (runner) => {
  test("an unreachable cluster is a transient_error once the retry budget is spent, exit non-zero", async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const config = { bootstrap_servers: address, connect_timeout_ms: 1000, retry_budget_ms: 3000 };
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", config),
      "--catalog",
      jsonFile("catalog.json", catalog(["events"])),
    ]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.code).not.toBe(0);
    const retries = result.messages.filter(
      (m) => m.type === "LOG" && m.log.message.startsWith("planning the read failed"),
    );
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((m) => m.log.level === "WARN")).toBe(true);
    const [trace] = traces(result);
    expect(trace.error.failure_type).toBe("transient_error");
    expect(trace.error.message).toContain("unreachable");
    expect(trace.error.message).toContain(address);
    expect(trace.error.message).toContain("retry_budget_ms is 3000");
  });

  test("a stdout reader that closes early ends the read promptly, without a stack trace", async () => {
    const topic = uniqueTopic("epipe");
    await createTopic(broker, topic, 2);
    for (let i = 0; i < 4; i++) {
      await produce(
        broker,
        topic,
        Array.from({ length: 5000 }, (_, j) => ({
          partition: j % 2,
          value: JSON.stringify({ i, j, pad: "x".repeat(200) }),
        })),
      );
    }
    const child = Bun.spawn(
      [
        ...command(runner),
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const reader = child.stdout.getReader();
    await reader.read();
    await reader.cancel();
    const exited = await Promise.race([child.exited, Bun.sleep(15_000).then(() => "still running")]);
    if (exited === "still running") child.kill("SIGKILL");
    expect(exited).not.toBe("still running");
    expect(exited).not.toBe(0);
    expect(await new Response(child.stderr).text()).not.toMatch(/\n\s+at |EPIPE/);
  });
});
