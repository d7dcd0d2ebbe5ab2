/**
 * The Dockerfile's premise, without a Docker engine: the compiled executable runs in a root file
 * system that holds nothing but itself and the C library it links (less than the distroless base
 * image has) — no Node, no Bun, no Deno — as the image's non-root user, and does `spec` and a
 * `read` with workers against the real broker, resolving `localhost` through the rootfs's own
 * /etc/hosts. The chroot shares the host's network; a private mount namespace gives it /proc, as
 * a container would have.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { bootstrap } from "../support/broker.ts";
import { catalog, parseProtocol, uniqueTopic, type Message } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

const root = join(import.meta.dir, "..", "..");
const binary = join(root, "dist", "source-kafka");
const NONROOT = "65532:65532"; // distroless's `nonroot` user
let rootfs: string;

/** The shared libraries the executable links, as ldd resolves them on this machine. */
function linkedLibraries(): string[] {
  const ldd = spawnSync("ldd", [binary], { encoding: "utf8" });
  if (ldd.status !== 0) throw new Error(`ldd ${binary}: ${ldd.stderr}`);
  return [...ldd.stdout.matchAll(/(\/\S+) \(0x/g)].flatMap((m) => (m[1] === undefined ? [] : [m[1]]));
}

function put(path: string, content: string | { from: string }) {
  mkdirSync(dirname(join(rootfs, path)), { recursive: true });
  if (typeof content === "string") writeFileSync(join(rootfs, path), content);
  else copyFileSync(content.from, join(rootfs, path));
  chmodSync(join(rootfs, path), typeof content === "string" ? 0o644 : 0o755);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [`/${relative(rootfs, path)}`];
  });
}

beforeAll(() => {
  mkdirSync(join(root, ".cache", "rootfs"), { recursive: true });
  rootfs = mkdtempSync(join(root, ".cache", "rootfs", "minimal-"));
  chmodSync(rootfs, 0o755);
  put("/usr/local/bin/source-kafka", { from: binary });
  for (const library of linkedLibraries()) put(library, { from: library });
  put(
    "/etc/passwd",
    "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
  );
  put("/etc/group", "root:x:0:\nnonroot:x:65532:\n");
  put("/etc/nsswitch.conf", "hosts: files dns\n");
  put("/etc/hosts", "127.0.0.1 localhost\n");
  for (const dir of ["/proc", "/tmp", "/work"]) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
});

afterAll(() => rmSync(rootfs, { recursive: true, force: true }));

/** Runs the executable inside the rootfs as the image would: its entrypoint, as `nonroot`. */
function inRootfs(args: string[]): { code: number | null; messages: Message[]; stderr: string } {
  const result = spawnSync(
    "unshare",
    [
      "--mount",
      "--pid",
      "--fork",
      `--mount-proc=${join(rootfs, "proc")}`,
      "chroot",
      `--userspec=${NONROOT}`,
      rootfs,
      "/usr/local/bin/source-kafka",
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  return { code: result.status, messages: parseProtocol(result.stdout), stderr: result.stderr };
}

test("the root filesystem holds the executable, the C library and a few /etc files, nothing else", () => {
  const expected = [
    "/usr/local/bin/source-kafka",
    ...linkedLibraries(),
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/hosts",
  ];
  expect(files(rootfs).sort()).toEqual(expected.sort());
});

test("spec in the minimal rootfs is the same as on this machine", () => {
  const onHost = spawnSync(binary, ["spec"], { encoding: "utf8" });
  const result = inRootfs(["spec"]);
  expect(result.messages.map((m) => m.type)).toEqual(["SPEC"]);
  expect({ code: result.code, messages: result.messages }).toEqual({ code: 0, messages: parseProtocol(onHost.stdout) });
}, 60_000);

test("read with two workers in the minimal rootfs emits every record and the final state", async () => {
  const port = (await bootstrap()).split(":").pop();
  const topic = uniqueTopic("rootfs");
  await createTopic(await bootstrap(), topic, 3);
  await produce(
    await bootstrap(),
    topic,
    [0, 1, 2, 0, 1, 2, 0].map((partition, i) => ({
      partition,
      key: `k${i}`,
      value: JSON.stringify({ n: i }),
      timestamp: 1_700_000_000_000 + i,
    })),
  );
  put("/work/config.json", JSON.stringify({ bootstrap_servers: `localhost:${port}`, workers: 2 }));
  put("/work/catalog.json", JSON.stringify(catalog([topic])));

  const result = inRootfs(["read", "--config", "/work/config.json", "--catalog", "/work/catalog.json"]);
  expect({ code: result.code, stderr: result.code === 0 ? "" : result.stderr }).toEqual({ code: 0, stderr: "" });
  const records = result.messages.filter((m) => m.type === "RECORD").map((m) => m.record.data);
  const ordered = [0, 1, 2].flatMap((p) =>
    records.filter((d) => d._meta.partition === p).map((d) => [p, d._meta.offset, d.n, d._meta.key]),
  );
  expect(ordered).toEqual([
    [0, 0, 0, "k0"],
    [0, 1, 3, "k3"],
    [0, 2, 6, "k6"],
    [1, 0, 1, "k1"],
    [1, 1, 4, "k4"],
    [2, 0, 2, "k2"],
    [2, 1, 5, "k5"],
  ]);
  const states = result.messages.filter((m) => m.type === "STATE");
  expect(states.at(-1)!.state.stream.stream_state).toEqual({
    partitions: { "0": { offset: 3 }, "1": { offset: 2 }, "2": { offset: 2 } },
  });
}, 60_000);
