/**
 * Confluent's wire format: magic byte 0, the schema id as 4 bytes big-endian, then the payload
 * (Avro binary; for Protobuf, a list of message indexes first; for JSON Schema, JSON text).
 *
 *   unframe(Uint8Array.of(0, 0, 0, 0, 7, 2))  // { schemaId: 7, payload: Uint8Array [2] }
 *   unframe(new TextEncoder().encode("{}"))    // null
 */
export type Framed = { schemaId: number; payload: Uint8Array };

export function unframe(bytes: Uint8Array): Framed | null {
  if (bytes.length < 5 || bytes[0] !== 0) return null;
  const schemaId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
  return { schemaId, payload: bytes.subarray(5) };
}

class WireFormatError extends Error {
  override name = "WireFormatError";
}

/**
 * The message indexes that start a Protobuf payload: which message of the schema's file (and
 * which nested one) was written. A count of 0 stands for [0], the file's first message. All are
 * zigzag varints, as Confluent's serialisers write them.
 *
 *   messageIndexes(Uint8Array.of(0, 8, 1))  // { indexes: [0], rest: Uint8Array [8, 1] }
 *   messageIndexes(Uint8Array.of(4, 2, 0))  // { indexes: [1, 0], rest: Uint8Array [] }
 */
export function messageIndexes(payload: Uint8Array): { indexes: number[]; rest: Uint8Array } {
  let at = 0;
  const next = (): number => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (at >= payload.length) throw new WireFormatError("ends inside its Protobuf message indexes");
      // biome-ignore lint/style/noNonNullAssertion: the line above checked the bounds
      const byte = payload[at++]!;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
    }
    throw new WireFormatError("has a Protobuf message index longer than 5 bytes");
  };
  const count = next();
  if (count < 0 || count > 100) throw new WireFormatError(`has an implausible Protobuf message index count ${count}`);
  const indexes = count === 0 ? [0] : Array.from({ length: count }, next);
  if (indexes.some((index) => index < 0)) throw new WireFormatError("has a negative Protobuf message index");
  return { indexes, rest: payload.subarray(at) };
}
