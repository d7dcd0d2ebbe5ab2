/** Errors in the user's words (src/kafka/classify.ts): the step that failed decides the failure type. */
import { describe, expect, test } from "bun:test";
import { AuthenticationError, NetworkError } from "@platformatic/kafka";
import { ConfigError, TransientError } from "../../src/errors.ts";
import { classify, failedStep } from "../../src/kafka/classify.ts";

describe("classify", () => {
  test("an unreachable broker is a transient TCP failure naming the broker and what was being done", () => {
    const refused = new NetworkError("Connection to 10.0.0.1:9092 failed.", {
      cause: new Error("connect ECONNREFUSED 10.0.0.1:9092"),
    });
    const error = classify(refused, "list topics");
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toStartWith("TCP step: Kafka is unreachable at broker 10.0.0.1:9092 during list topics (");
  });

  test("refused credentials are the user's to fix: a config error of the SASL step", () => {
    const error = classify(new AuthenticationError("SASL authentication failed."), "read metadata");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toStartWith("SASL step: Kafka refused the credentials during read metadata");
  });

  test("a connection closed after a TLS alert names the TLS step and the missing client certificate", () => {
    const closed = new NetworkError("Connection to b:9093 failed.", { cause: new Error("Connection closed") });
    const error = classify(closed, "fetch", "alert number 116 CERTIFICATE_REQUIRED");
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("TLS step: the broker did not accept the client certificate");
  });

  test("the token endpoint's own error is kept as it is, wherever the library nested it", () => {
    const oauth = new ConfigError("OAuth step: the token endpoint refused the client credentials (HTTP 401)");
    const wrapped = new AggregateError([new Error("retry 1", { cause: oauth })], "failed 3 times");
    expect(classify(wrapped, "list topics")).toBe(oauth);
  });

  test("the step is read from the last one back: an authorisation failure quoting a socket error is authorisation", () => {
    expect(failedStep("TOPIC_AUTHORIZATION_FAILED after ECONNRESET")).toBe("authorisation");
    expect(failedStep("getaddrinfo ENOTFOUND kafka.invalid")).toBe("DNS");
    expect(failedStep("self-signed certificate in certificate chain")).toBe("TLS");
    expect(failedStep("something else entirely")).toBeUndefined();
  });

  test("an error of no known step may pass: transient, saying what failed", () => {
    const error = classify(new Error("the broker answered nonsense"), "read metadata");
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toBe("cannot read metadata: the broker answered nonsense");
  });
});
