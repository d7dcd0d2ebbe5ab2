# airbyte-cdk's standard tests take their scenarios (configs and expected outcomes) from the
# connector's acceptance-test-config.yml through these hooks.
pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]
