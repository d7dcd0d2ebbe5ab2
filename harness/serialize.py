"""Serialises messages with Confluent's own serialisers (confluent-kafka's AvroSerializer,
ProtobufSerializer and JSONSerializer) against a schema registry, so tests put in Kafka the
bytes that real producers write. Run by harness/serializers.ts in its venv.

stdin:  {"registry": {"url", "username"?, "password"?},
         "messages": [{"topic", "key": PART|null, "value": PART|null}]}
         PART = {"format": "avro"|"json_schema", "schema": TEXT, "data": ANY,
                 "references"?: [{"name", "subject", "version"}] (named types or $refs defined elsewhere)}
              | {"format": "protobuf", "descriptor": BASE64 FileDescriptorProto, "message": NAME,
                 "data": OBJECT}
         data may hold {"$bytes": BASE64}, {"$decimal": TEXT} and {"$int": DIGITS} (see `tagged`).
stdout: [{"key": BASE64|null, "value": BASE64|null}]
"""
import base64
import decimal
import importlib
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


def main():
    request = json.load(sys.stdin, object_hook=tagged)
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


def add_to_pool(pool, file):
    try:
        pool.Add(file)
    except TypeError:
        pass  # already added by an earlier message


def well_known(name):
    """The FileDescriptorProto of one of Google's well-known .proto files, from the protobuf package."""
    importlib.import_module("google.protobuf." + name.removeprefix("google/protobuf/").removesuffix(".proto") + "_pb2")
    file = descriptor_pb2.FileDescriptorProto()
    descriptor_pool.Default().FindFileByName(name).CopyToProto(file)
    return file


def tagged(obj):
    """JSON → the Python values Confluent's serialisers take for what JSON has no type for:
    {"$bytes": BASE64}, {"$decimal": TEXT}, {"$int": DIGITS} (an integer beyond what the test's
    JavaScript writes exactly)."""
    if len(obj) == 1:
        (tag, value), = obj.items()
        if tag == "$bytes":
            return base64.b64decode(value)
        if tag == "$decimal":
            return decimal.Decimal(value)
        if tag == "$int":
            return int(value)
    return obj


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
        references = [SchemaReference(r["name"], r["subject"], r["version"]) for r in part.get("references", [])]
        schema = Schema(part["schema"], "JSON", references) if references else part["schema"]
        data = JSONSerializer(schema, client)(part["data"], context)
    elif fmt == "protobuf":
        file = descriptor_pb2.FileDescriptorProto.FromString(base64.b64decode(part["descriptor"]))
        for dependency in file.dependency:
            add_to_pool(pool, well_known(dependency))
        add_to_pool(pool, file)
        cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(part["message"]))
        serializer = ProtobufSerializer(cls, client, {})
        data = serializer(json_format.ParseDict(part["data"], cls()), context)
    else:
        raise ValueError(f"unknown format {fmt}")
    return base64.b64encode(data).decode("ascii")


main()
