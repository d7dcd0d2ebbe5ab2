"""Serialises messages with Confluent's own serialisers (confluent-kafka's AvroSerializer,
ProtobufSerializer and JSONSerializer) against a schema registry, so tests put in Kafka the
bytes that real producers write. Run by harness/serializers.ts in its venv.

stdin:  {"registry": {"url", "username"?, "password"?},
         "messages": [{"topic", "key": PART|null, "value": PART|null}]}
         PART = {"format": "avro"|"json_schema", "schema": TEXT, "data": ANY,
                 "references"?: [{"name", "subject", "version"}] (Avro: named types defined elsewhere)}
              | {"format": "protobuf", "descriptor": BASE64 FileDescriptorProto, "message": NAME,
                 "data": OBJECT}
stdout: [{"key": BASE64|null, "value": BASE64|null}]
"""
import base64
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main():
    request = json.load(sys.stdin)
    registry = request["registry"]
    conf = {"url": registry["url"]}
    if registry.get("username"):
        conf["basic.auth.user.info"] = f"{registry['username']}:{registry['password']}"
    client = SchemaRegistryClient(conf)
    pool = descriptor_pool.DescriptorPool()
    out = []
    for message in request["messages"]:
        topic = message["topic"]
        out.append({
            field: encode(client, pool, topic, message.get(field), kind)
            for field, kind in (("key", MessageField.KEY), ("value", MessageField.VALUE))
        })
    json.dump(out, sys.stdout)


def encode(client, pool, topic, part, kind):
    if part is None:
        return None
    context = SerializationContext(topic, kind)
    fmt = part["format"]
    if fmt == "avro":
        references = [SchemaReference(r["name"], r["subject"], r["version"]) for r in part.get("references", [])]
        schema = Schema(part["schema"], "AVRO", references) if references else part["schema"]
        data = AvroSerializer(client, schema)(part["data"], context)
    elif fmt == "json_schema":
        data = JSONSerializer(part["schema"], client)(part["data"], context)
    elif fmt == "protobuf":
        file = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(part["descriptor"]))
        try:
            pool.Add(file)
        except TypeError:
            pass  # already added by an earlier message
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(part["message"]))
        serializer = ProtobufSerializer(cls, client, {})
        data = serializer(json_format.ParseDict(part["data"], cls()), context)
    else:
        raise ValueError(f"unknown format {fmt}")
    return base64.b64encode(data).decode("ascii")


main()
