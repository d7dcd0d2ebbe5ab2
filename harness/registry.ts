/**
 * A Confluent-compatible schema registry on 127.0.0.1, for tests: the part of Confluent Schema
 * Registry's REST API that serialisers and the connector use, behind HTTP basic auth.
 *
 * Why not a real one: Karapace is not published on PyPI, Confluent's registry is not on Maven
 * Central, and Apicurio's app depends on an artifact Maven Central does not serve
 * (apicurio-registry-schema-util-provider). The serialisers that talk to this one are the real
 * ones (Python confluent-kafka, see harness/serializers.ts), so the bytes in Kafka are what real
 * producers write.
 *
 *   const registry = await startRegistry({ username: "u", password: "p" });
 *   registry.url  // http://127.0.0.1:PORT
 *   await registry.stop();
 *
 * Answers, as Confluent's do: POST /subjects/S/versions → {id} (the same schema keeps its id),
 * GET /schemas/ids/N, GET /subjects, GET /subjects/S/versions/latest|V, and errors as
 * {error_code, message} (40101 unauthorised, 40401 no subject, 40402 no version, 40403 no schema).
 * A Protobuf schema is served as registered; one registered as .proto text is also served as a
 * base64 FileDescriptorProto for `?format=serialized`, which Confluent's Python serialiser asks for.
 * (A real registry also turns a registered descriptor into .proto text; this one does not.)
 */
import { protoToDescriptor } from "./proto-descriptor.ts";

export type SchemaType = "AVRO" | "PROTOBUF" | "JSON";

type Stored = { id: number; schemaType: SchemaType; schema: string };

export type Registry = { url: string; stop(): Promise<void> };

export async function startRegistry(auth?: { username: string; password: string }): Promise<Registry> {
  const schemas: Stored[] = [];
  const subjects = new Map<string, number[]>(); // subject → schema ids by version - 1
  const expected = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` : undefined;

  const error = (status: number, code: number, message: string) =>
    Response.json({ error_code: code, message }, { status, headers: { "content-type": "application/vnd.schemaregistry.v1+json" } });
  const ok = (body: unknown) => Response.json(body, { headers: { "content-type": "application/vnd.schemaregistry.v1+json" } });
  const described = (stored: Stored, format: string | null) => {
    if (stored.schemaType === "AVRO") return { schema: stored.schema };
    const serialized = format === "serialized" && stored.schemaType === "PROTOBUF" && /\bmessage\s/.test(stored.schema);
    return { schemaType: stored.schemaType, schema: serialized ? protoToDescriptor(stored.schema).toString("base64") : stored.schema };
  };
  const version = (subject: string, ids: number[], index: number, format: string | null) => {
    const stored = schemas[ids[index]! - 1]!;
    return ok({ subject, version: index + 1, id: stored.id, ...described(stored, format) });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      if (expected && request.headers.get("authorization") !== expected) return error(401, 40101, "Unauthorized");
      const url = new URL(request.url);
      const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
      const format = url.searchParams.get("format");
      if (request.method === "GET" && parts.length === 3 && parts[0] === "schemas" && parts[1] === "ids") {
        const stored = schemas[Number(parts[2]) - 1];
        return stored ? ok(described(stored, format)) : error(404, 40403, "Schema not found");
      }
      if (request.method === "GET" && parts.length === 1 && parts[0] === "subjects") return ok([...subjects.keys()]);
      if (parts[0] !== "subjects" || parts.length < 3 || parts[2] !== "versions") return error(404, 404, "Not found");
      const subject = parts[1]!;
      if (request.method === "POST" && parts.length === 3) {
        const body = (await request.json()) as { schema?: string; schemaType?: SchemaType; references?: unknown[] };
        if (typeof body.schema !== "string") return error(422, 42201, "Invalid schema");
        const schemaType = body.schemaType ?? "AVRO";
        let stored = schemas.find((s) => s.schemaType === schemaType && s.schema === body.schema);
        if (!stored) {
          stored = { id: schemas.length + 1, schemaType, schema: body.schema };
          schemas.push(stored);
        }
        const ids = subjects.get(subject) ?? [];
        if (!ids.includes(stored.id)) ids.push(stored.id);
        subjects.set(subject, ids);
        return ok({ id: stored.id });
      }
      if (request.method === "GET" && parts.length === 4) {
        const ids = subjects.get(subject);
        if (!ids) return error(404, 40401, `Subject '${subject}' not found.`);
        const index = parts[3] === "latest" ? ids.length - 1 : Number(parts[3]) - 1;
        if (!(index >= 0 && index < ids.length)) return error(404, 40402, "Version not found.");
        return version(subject, ids, index, format);
      }
      return error(405, 405, "Method not allowed");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
