/**
 * What the client library's schema registry (`ConfluentSchemaRegistry`) gets for `avsc` inside
 * the executable: build.ts resolves the library's import to this module, so that no thread loads
 * and evaluates Avro's code at start for a registry we never construct. Ours (src/registry/)
 * imports the real `avsc`, and only when a schema registry is configured.
 */
const unused = (): never => {
  throw new Error("the client library's schema registry is not part of source-kafka (see src/registry/)");
};

export default { Type: { forSchema: unused } };
