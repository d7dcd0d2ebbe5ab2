/**
 * The one module that talks to the schema registry: Confluent's REST API (which Karapace and
 * Apicurio's ccompat API serve too), over fetch, with basic auth when configured.
 *
 *   const registry = new RegistryClient({ url: "http://registry:8081" }, 10_000);
 *   await registry.schemaById(7)              // { schemaType: "AVRO", schema: "{…}", references: [] }
 *   await registry.latest("orders-value")     // the subject's latest version, or null
 *   await registry.version("money.proto", 1)  // what a schema reference names, or null
 *   await registry.subjects()                 // ["orders-value", …]: check's proof that it answers
 */
import type { Config } from "../config/config.ts";
import { ConfigError, TransientError, oneLine } from "../errors.ts";

export type RegistrySettings = NonNullable<Config["schema_registry"]>;

export type SchemaType = "AVRO" | "PROTOBUF" | "JSON";

export type RegisteredSchema = {
  schemaType: SchemaType;
  schema: string;
  references: { name: string; subject: string; version: number }[];
};

const attempts = 3;
const retryDelayMs = 250;

export class RegistryClient {
  readonly #base: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(settings: RegistrySettings, timeoutMs: number) {
    this.#base = settings.url.replace(/\/+$/, "");
    this.#headers = { accept: "application/vnd.schemaregistry.v1+json, application/json" };
    if (settings.username !== undefined && settings.password !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString("base64")}`;
    }
    this.#timeoutMs = timeoutMs;
  }

  /** The schema registered under `id`, or null when the registry has none. */
  async schemaById(id: number): Promise<RegisteredSchema | null> {
    const body = await this.#get(`/schemas/ids/${id}`, `schema id ${id}`);
    return body === null ? null : toRegistered(body, `schema id ${id}`);
  }

  /** Version `version` of `subject` (what a schema reference names), or null when there is none. */
  async version(subject: string, version: number): Promise<RegisteredSchema | null> {
    const what = `subject ${subject} version ${version}`;
    const body = await this.#get(`/subjects/${encodeURIComponent(subject)}/versions/${version}`, what);
    return body === null ? null : toRegistered(body, what);
  }

  /** The latest version registered under `subject`, or null when there is no such subject. */
  async latest(subject: string): Promise<(RegisteredSchema & { id: number }) | null> {
    const what = `subject ${subject}`;
    const body = await this.#get(`/subjects/${encodeURIComponent(subject)}/versions/latest`, what);
    return body === null ? null : { ...toRegistered(body, what), id: Number((body as { id?: unknown }).id) };
  }

  /**
   * The registered subjects: what `check` asks to prove the URL is a registry that lets these
   * credentials read. A 404 here means no registry API at the URL, rather than no such thing.
   */
  async subjects(): Promise<string[]> {
    const body = await this.#get("/subjects", "the list of subjects");
    if (!Array.isArray(body))
      throw new ConfigError(
        `schema registry at ${this.#base} has no Confluent-compatible API there (GET /subjects answered ${body === null ? "HTTP 404" : "something other than a list"}): check schema_registry.url`,
      );
    return body.filter((subject): subject is string => typeof subject === "string");
  }

  /** GET → parsed JSON; null on 404. Unreachable or failing (5xx) after retries is transient. */
  async #get(path: string, what: string): Promise<unknown | null> {
    const url = this.#base + path;
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { headers: this.#headers, signal: AbortSignal.timeout(this.#timeoutMs) });
      } catch (error) {
        last = describeFetchError(error, this.#timeoutMs);
        if (attempt < attempts) await sleep(retryDelayMs * attempt);
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new ConfigError(
          `schema registry at ${this.#base} ${response.status === 401 ? "refused the credentials" : "denied access"} (HTTP ${response.status}) while reading ${what}; check schema_registry.username and schema_registry.password`,
        );
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (response.status >= 500) {
        last = `HTTP ${response.status}: ${await errorMessage(response)}`;
        if (attempt < attempts) await sleep(retryDelayMs * attempt);
        continue;
      }
      if (!response.ok)
        throw new ConfigError(
          `schema registry at ${this.#base} answered HTTP ${response.status} for ${what}: ${await errorMessage(response)}`,
        );
      try {
        return await response.json();
      } catch (error) {
        throw new ConfigError(
          `schema registry at ${this.#base} answered ${what} with something that is not JSON; is schema_registry.url a schema registry?`,
          { cause: error },
        );
      }
    }
    throw new TransientError(
      `schema registry at ${this.#base} is unavailable after ${attempts} attempts while reading ${what}: ${last}`,
    );
  }
}

// Not Bun.sleep: the same source runs under Deno.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function toRegistered(body: unknown, what: string): RegisteredSchema {
  const { schema, schemaType, references } = (body ?? {}) as {
    schema?: unknown;
    schemaType?: unknown;
    references?: unknown;
  };
  if (typeof schema !== "string") throw new ConfigError(`schema registry answered ${what} without a schema`);
  // Confluent leaves schemaType out for Avro, the first type it supported.
  const type = schemaType ?? "AVRO";
  if (type !== "AVRO" && type !== "PROTOBUF" && type !== "JSON")
    throw new ConfigError(`${what} has schema type ${String(type)}, which is not supported`);
  return { schemaType: type, schema, references: Array.isArray(references) ? references : [] };
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {}
  return oneLine(text.slice(0, 200)) || response.statusText;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${oneLine(error)}` : oneLine(error);
}
