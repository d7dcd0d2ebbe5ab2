// franz-go peer for the benchmark: reads every partition of one topic from the earliest offset to
// the high watermark seen at start, without a consumer group, and writes one JSON line per record
// (topic, partition, offset, timestamp, key, payload, headers) to a buffered stdout; then exits.
//
//	franz-go-peer -broker host:port -topic NAME
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

type header struct {
	Key   string  `json:"key"`
	Value *string `json:"value"`
}

type line struct {
	Topic     string   `json:"topic"`
	Partition int32    `json:"partition"`
	Offset    int64    `json:"offset"`
	Timestamp int64    `json:"timestamp"`
	Key       *string  `json:"key"`
	Payload   *string  `json:"payload"`
	Headers   []header `json:"headers"`
}

func str(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "franz-go-peer: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	brokers := flag.String("broker", "localhost:9092", "bootstrap address")
	topic := flag.String("topic", "", "topic to read")
	flag.Parse()
	if *topic == "" {
		fail("-topic is required")
	}
	ctx := context.Background()

	admin, err := kgo.NewClient(kgo.SeedBrokers(*brokers))
	if err != nil {
		fail("%v", err)
	}
	adm := kadm.NewClient(admin)
	starts, err := adm.ListStartOffsets(ctx, *topic)
	if err != nil {
		fail("start offsets: %v", err)
	}
	ends, err := adm.ListEndOffsets(ctx, *topic)
	if err != nil {
		fail("end offsets: %v", err)
	}
	admin.Close()

	// Explicit offsets per partition; only partitions that hold records are consumed.
	assign := map[int32]kgo.Offset{}
	remaining := map[int32]int64{} // partition -> high watermark
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			fail("partition %d: %v", o.Partition, o.Err)
		}
		start, ok := starts.Lookup(*topic, o.Partition)
		if !ok || start.Err != nil {
			fail("no start offset for partition %d", o.Partition)
		}
		if o.Offset > start.Offset {
			assign[o.Partition] = kgo.NewOffset().At(start.Offset)
			remaining[o.Partition] = o.Offset
		}
	})
	if len(assign) == 0 {
		return
	}

	client, err := kgo.NewClient(
		kgo.SeedBrokers(*brokers),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{*topic: assign}),
	)
	if err != nil {
		fail("%v", err)
	}
	defer client.Close()

	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for len(remaining) > 0 {
		fetches := client.PollFetches(ctx)
		fetches.EachError(func(t string, p int32, err error) { fail("fetch %s/%d: %v", t, p, err) })
		fetches.EachRecord(func(r *kgo.Record) {
			end, ok := remaining[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			headers := make([]header, len(r.Headers))
			for i, h := range r.Headers {
				headers[i] = header{Key: h.Key, Value: str(h.Value)}
			}
			if err := enc.Encode(line{
				Topic: r.Topic, Partition: r.Partition, Offset: r.Offset, Timestamp: r.Timestamp.UnixMilli(),
				Key: str(r.Key), Payload: str(r.Value), Headers: headers,
			}); err != nil {
				fail("write: %v", err)
			}
			if r.Offset+1 >= end {
				delete(remaining, r.Partition)
			}
		})
	}
	if err := out.Flush(); err != nil {
		fail("write: %v", err)
	}
}
