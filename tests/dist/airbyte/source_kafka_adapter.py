"""The compiled connector as an airbyte-cdk Source, for airbyte-cdk's standard tests.

The standard tests run a connector in-process, through airbyte-cdk's entrypoint. This adapter is
the thinnest such connector: each method runs dist/source-kafka (or $SOURCE_KAFKA_EXECUTABLE) as a
platform would, with the config, catalog and state as files, and hands its protocol messages back
unchanged. The catalog and state are passed through as the files' raw JSON, not parsed by the CDK
first, so that the executable itself judges them (a bad catalog must be its error, not the CDK's).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from airbyte_cdk.models import (
    AirbyteCatalog,
    AirbyteConnectionStatus,
    AirbyteMessage,
    AirbyteMessageSerializer,
    ConnectorSpecification,
    Type,
)
from airbyte_cdk.sources import Source

EXECUTABLE = os.environ.get(
    "SOURCE_KAFKA_EXECUTABLE", str(Path(__file__).resolve().parents[2] / "dist" / "source-kafka")
)


class SourceKafka(Source):
    """Runs the executable for spec, check, discover and read."""

    _spec: ConnectorSpecification | None = None

    def spec(self, logger: logging.Logger) -> ConnectorSpecification:
        # The entrypoint asks for the spec before every command: run `spec` once.
        if self._spec is None:
            message = self._single(self._run(["spec"]), Type.SPEC, logger)
            self._spec = message.spec
        return self._spec

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        with _files(config=config) as files:
            return self._single(self._run(["check", *files]), Type.CONNECTION_STATUS, logger).connectionStatus

    def discover(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteCatalog:
        with _files(config=config) as files:
            return self._single(self._run(["discover", *files]), Type.CATALOG, logger).catalog

    def read_catalog(self, catalog_path: str) -> Any:  # type: ignore[override]
        return json.loads(Path(catalog_path).read_text())

    def read_state(self, state_path: str | None) -> Any:  # type: ignore[override]
        return json.loads(Path(state_path).read_text()) if state_path else None

    def read(
        self, logger: logging.Logger, config: Mapping[str, Any], catalog: Any, state: Any = None
    ) -> Iterator[AirbyteMessage]:
        with _files(config=config, catalog=catalog, state=state) as files:
            yield from self._run(["read", *files])

    @staticmethod
    def _run(args: list[str]) -> Iterator[AirbyteMessage]:
        """The executable's stdout, one message a line; a non-zero exit raises after its messages."""
        with tempfile.TemporaryFile() as stderr:
            with subprocess.Popen([EXECUTABLE, *args], stdout=subprocess.PIPE, stderr=stderr, text=True) as child:
                assert child.stdout is not None
                for line in child.stdout:
                    yield AirbyteMessageSerializer.load(json.loads(line))
            if child.returncode != 0:
                stderr.seek(0)
                raise RuntimeError(
                    f"source-kafka {args[0]} exited {child.returncode}: {stderr.read().decode().strip()}"
                )

    @staticmethod
    def _single(messages: Iterable[AirbyteMessage], wanted: Type, logger: logging.Logger) -> AirbyteMessage:
        """The one message of type `wanted`; LOG messages go to the logger."""
        found = None
        for message in messages:
            if message.type == wanted:
                found = message
            elif message.type == Type.LOG and message.log is not None:
                logger.info(message.log.message)
        if found is None:
            raise RuntimeError(f"source-kafka wrote no {wanted.value} message")
        return found


class _files:
    """Writes the given JSON values to temp files and yields their `--name path` arguments."""

    def __init__(self, **values: Any) -> None:
        self._values = {name: value for name, value in values.items() if value is not None}

    def __enter__(self) -> list[str]:
        self._dir = tempfile.TemporaryDirectory(prefix="source-kafka-cdk-")
        args = []
        for name, value in self._values.items():
            path = Path(self._dir.name) / f"{name}.json"
            path.write_text(json.dumps(value))
            args += [f"--{name}", str(path)]
        return args

    def __exit__(self, *_: object) -> None:
        self._dir.cleanup()
