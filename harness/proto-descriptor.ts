/**
 * A .proto file's text → its FileDescriptorProto bytes, as protoc would write them: what Python's
 * protobuf needs to build message classes, and what a registry serves for `?format=serialized`.
 */
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";

export function protoToDescriptor(proto: string): Buffer {
  const parsed = protobuf.parse(proto, { keepCase: true });
  // Google's well-known types it imports, each in a file of its own as protoc has them (Python's
  // pool has those files already); any other import is not supported here.
  for (const name of parsed.imports ?? []) {
    const known = (protobuf.common as any).get(name);
    if (!known) throw new Error(`protoToDescriptor: cannot import ${name}`);
    parsed.root.addJSON(known.nested);
    for (const type of Object.keys(known.nested.google.nested.protobuf.nested))
      parsed.root.lookup(`google.protobuf.${type}`)!.filename = name;
  }
  parsed.root.resolveAll();
  const set = (descriptor as any).FileDescriptorSet.toObject(parsed.root.toDescriptor("proto3"));
  const file = set.file.find((f: any) => !f.name?.startsWith("google/protobuf/"));
  file.dependency = parsed.imports ?? [];
  // Named by its text: a descriptor pool holds one file per name.
  file.name = `message-${Bun.hash(proto).toString(16)}.proto`;
  tidy(file.messageType ?? [], file.package ? `.${file.package}` : "");
  return Buffer.from((descriptor as any).FileDescriptorProto.encode(file).finish() as Uint8Array);
}

/**
 * protobufjs writes type names relative to their scope and `packed: false` on every field;
 * protoc's descriptors (and Python's pool) have full names and `packed` only where it applies.
 */
function tidy(messages: any[], scope: string): void {
  const local = (ms: any[], prefix: string): [string, string][] =>
    ms.flatMap((m) => [
      [m.name, `${prefix}.${m.name}`],
      ...(m.enumType ?? []).map((e: any) => [`${m.name}.${e.name}`, `${prefix}.${m.name}.${e.name}`]),
    ]);
  for (const message of messages) {
    const here = `${scope}.${message.name}`;
    const names = new Map([
      ...local(messages, scope),
      ...local(message.nestedType ?? [], here),
      ...(message.enumType ?? []).map((e: any): [string, string] => [e.name, `${here}.${e.name}`]),
    ]);
    for (const field of message.field ?? []) {
      if (field.options) delete field.options.packed;
      if (field.typeName?.startsWith("google.protobuf.")) field.typeName = `.${field.typeName}`;
      else if (field.typeName && !field.typeName.startsWith("."))
        field.typeName = names.get(field.typeName) ?? `${here}.${field.typeName}`;
    }
    tidy(message.nestedType ?? [], here);
  }
}
