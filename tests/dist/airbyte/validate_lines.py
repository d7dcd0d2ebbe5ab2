"""Checks every line of the connector's stdout as its consumers read it.

    python validate_lines.py stdout.jsonl result.json

Each line must parse under pydantic's AirbyteMessage.model_validate_json (PyAirbyte's and airbyte-cdk's
parser), under Python's json, and hold only well-formed Unicode (no lone surrogate, raw or escaped).
The result file lists the lines that fail and why, and counts the RECORDs per stream.
"""

import json
import sys
from pathlib import Path

from airbyte_protocol.models import AirbyteMessage


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def problem(line: str) -> str | None:
    try:
        AirbyteMessage.model_validate_json(line)
    except Exception as error:  # noqa: BLE001 - any refusal is the finding
        return f"pydantic: {str(error)[:300]}"
    try:
        parsed = json.loads(line)
    except Exception as error:  # noqa: BLE001
        return f"json: {str(error)[:300]}"
    for text in strings(parsed):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return f"not well-formed Unicode: {text[:80]!r}"
    return None


def main() -> None:
    # Lines end at "\n" only: str.splitlines would also cut at U+2028, which a line may hold.
    lines = [line for line in Path(sys.argv[1]).read_bytes().decode("utf-8").split("\n") if line]
    bad = []
    records: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        found = problem(line)
        if found:
            bad.append({"line": number, "problem": found, "text": line[:200]})
            continue
        message = json.loads(line)
        if message["type"] == "RECORD":
            stream = message["record"]["stream"]
            records[stream] = records.get(stream, 0) + 1
    Path(sys.argv[2]).write_text(json.dumps({"lines": len(lines), "bad": bad, "records": records}))


main()
