/** Topic creation and producing for tests: the harness's own helpers (harness/topics.ts). */
export {
  addPartitions,
  createTopic,
  deleteRecordsBefore,
  deleteTopic,
  endOffsets,
  produce,
  type TestMessage,
} from "../../harness/topics.ts";
