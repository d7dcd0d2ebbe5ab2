/** The client library's option validators are compiled on first use, and still validate the same. */
import { describe, expect, test } from "bun:test";
import { trustValidatorsOf } from "../../src/kafka/lazy-validators.ts";
import Ajv2020 from "ajv/dist/2020.js";
import { ajv } from "@platformatic/kafka";
import fc from "fast-check";

describe("lazy ajv compile", () => {
  test("the library uses the ajv we patch (one copy: package.json's range must fit the library's)", () => {
    expect(ajv).toBeInstanceOf(Ajv2020);
    expect(ajv.compile.name).toBe("lazyCompile");
  });

  test("a validator compiles on its first call and gives the same answers and errors", () => {
    const eager = new Ajv2020({ allErrors: true });
    const schema = { type: "object", properties: { port: { type: "integer", maximum: 65535 } }, required: ["port"] };
    const lazy = new Ajv2020({ allErrors: true }).compile(schema);
    const reference = eager.compile(structuredClone(schema));
    for (const data of [{ port: 9092 }, { port: 70000 }, {}, "nine"]) {
      expect(lazy(data)).toBe(reference(data));
      expect(lazy.errors ?? null).toEqual(reference.errors ?? null);
    }
  });

  test("a schema that is invalid fails when first used, not when declared", () => {
    const validate = new Ajv2020().compile({ type: "no-such-type" });
    expect(() => validate({})).toThrow(/no-such-type|type/);
  });

  test("the validators of a trusted instance pass anything, and only that instance's", () => {
    const schema = { type: "integer" };
    const trusted = new Ajv2020();
    trustValidatorsOf(trusted);
    expect(trusted.compile(schema)("not a number")).toBe(true);
    expect(trusted.compile({ type: "no-such-type" })({})).toBe(true);
    expect(new Ajv2020().compile(schema)("not a number")).toBe(false);
  });
});

describe("the library's validators are trusted (kafka/client.ts)", () => {
  test("because every client_id the config accepts makes options the library's group validator accepts", async () => {
    const { groupIdOf } = await import("../../src/kafka/client.ts");
    const { defaultConsumerOptions, groupOptionsProperties, idProperty } = await import("@platformatic/kafka");
    // A fresh, untrusted ajv with the library's schema; its own keywords (functions, maps) are not in play.
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile({
      type: "object",
      properties: { groupId: idProperty, ...groupOptionsProperties },
      required: ["groupId"],
    });
    const clientIds = fc.stringMatching(/^[\w.-]{1,200}$/);
    fc.assert(
      fc.property(clientIds, (clientId) => {
        const valid = validate({ ...defaultConsumerOptions, groupId: groupIdOf(clientId) });
        expect({ clientId, errors: validate.errors ?? null, valid }).toEqual({ clientId, errors: null, valid: true });
      }),
      { numRuns: 300 },
    );
    // The library's own instance: trusted, so never compiled.
    expect(ajv.compile({ type: "no-such-type" })({})).toBe(true);
  });
});
