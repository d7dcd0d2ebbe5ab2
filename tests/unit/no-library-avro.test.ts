import { expect, test } from "bun:test";
import noLibraryAvro from "../../src/kafka/no-library-avro.ts";

test("the client library's Avro stand-in says so if its schema registry is ever used", () => {
  expect(() => noLibraryAvro.Type.forSchema()).toThrow(
    "the client library's schema registry is not part of source-kafka",
  );
});
