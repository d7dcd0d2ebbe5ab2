"""airbyte-cdk's standard source tests against the compiled connector (see source_kafka_adapter.py).

The scenarios come from acceptance-test-config.yml in the connector root, which tests/dist/airbyte.test.ts
writes, with configs for the harness broker, into a temp folder named source-kafka and runs pytest
from (the CDK takes the connector's root, and its name, from the working directory).
"""

from airbyte_cdk.test.standard_tests import SourceTestSuiteBase

from source_kafka_adapter import SourceKafka


class TestSourceKafka(SourceTestSuiteBase):
    connector = SourceKafka
