/** Topic creation and producing for tests: the harness's own helpers (harness/topics.ts). */
export { createTopic, deleteTopic, produce, type TestMessage } from "../../harness/topics.ts";
