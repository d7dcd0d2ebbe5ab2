/**
 * The Kafka client library compiles some 40 JSON Schema validators (ajv) for its own options the
 * moment it is imported: ~0.3 s of CPU in the main thread and again in every read worker, most of
 * the time to the first record. It runs them only for clients created `strict`, which ours never
 * are (our config is validated by src/config/). Here ajv's `compile` is made lazy, so a validator
 * is compiled on its first use, if ever; what it returns and the `errors` it leaves are the same.
 *
 * It must run before the library is evaluated: the entry points (main.ts, worker.ts) import it
 * first. package.json pins `ajv` to the library's own range, so that both get the one copy
 * (tests/unit/lazy-validators.test.ts checks that they do).
 *
 * One validator runs for every consumer, strict or not (its group options), and takes ~60 ms to
 * compile: kafka/client.ts trusts the library's ajv (`trustValidatorsOf`), since every option it
 * hands the library is built from a validated config.
 */
import Ajv2020 from "ajv/dist/2020.js";

type Validate = ((...args: unknown[]) => boolean) & { errors?: unknown };
type Compile = (this: object, schema: unknown, meta?: boolean) => Validate;

const core = Object.getPrototypeOf(Ajv2020.prototype) as { compile: Compile; lazyCompile?: true };

const trusted = new WeakSet<object>();

/** From now on, in this thread, the validators of this ajv instance pass everything, never compiled (see above). */
export function trustValidatorsOf(ajv: object): void {
  trusted.add(ajv);
}

if (!core.lazyCompile) {
  const compile = core.compile;
  core.lazyCompile = true;
  core.compile = function lazyCompile(schema, meta) {
    let compiled: Validate | undefined;
    const validate: Validate = function (this: unknown, ...args) {
      if (trusted.has(instance)) return true;
      compiled ??= compile.call(instance, schema, meta);
      const valid = compiled.apply(this, args);
      validate.errors = compiled.errors;
      return valid;
    };
    const instance = this;
    return validate;
  };
}
