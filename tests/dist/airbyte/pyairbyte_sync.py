"""One PyAirbyte sync of the compiled connector into a cache, as a PyAirbyte user writes it.

    python pyairbyte_sync.py request.json

The request names the executable, the connector's config, the streams and the cache (DuckDB at a
path, or PostgreSQL); the script reads with PyAirbyte's defaults (incremental where the stream
supports it, merging on the primary key, the state kept in the cache and passed back on the next
sync) and writes to the request's `out` path what the test asserts: the records PyAirbyte
processed and each stream's rows, ordered by (_kafka_partition, _kafka_offset), with the columns
asked for as text, and each column's type as PyAirbyte declared it and as the database reports it. PyAirbyte prints its progress on stdout, so the result goes to a file.
"""

import json
import sys
from pathlib import Path

import airbyte as ab
import sqlalchemy
from airbyte.caches import DuckDBCache, PostgresCache


def cache_of(spec: dict):
    if spec["kind"] == "duckdb":
        return DuckDBCache(db_path=spec["path"], schema_name="main")
    return PostgresCache(
        host=spec["host"],
        port=spec["port"],
        database=spec["database"],
        username=spec["username"],
        password=spec["password"],
        schema_name=spec["schema"],
    )


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text())
    cache = cache_of(request["cache"])
    source = ab.get_source("source-kafka", local_executable=request["executable"], config=request["config"])
    source.select_streams(request["streams"])
    result = source.read(cache=cache)
    tables = {}
    with cache.get_sql_engine().connect() as connection:
        for stream, columns in request["columns"].items():
            table = result[stream].to_sql_table()
            selected = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in ["_kafka_partition", "_kafka_offset", *columns])
            query = f'SELECT {selected} FROM "{cache.schema_name}"."{table.name}" ORDER BY _kafka_partition, _kafka_offset'
            types_query = "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = :schema AND table_name = :table"
            database_types = connection.execute(sqlalchemy.text(types_query), {"schema": cache.schema_name, "table": table.name})
            tables[stream] = {
                "table": table.name,
                "column_types": {c.name: str(c.type) for c in table.columns},
                "database_types": {name: data_type for name, data_type in database_types},
                "rows": [list(row) for row in connection.execute(sqlalchemy.text(query))],
            }
    Path(request["out"]).write_text(json.dumps({"processed": result.processed_records, "tables": tables}))


main()
