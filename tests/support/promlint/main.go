// Reads a scrape of /metrics on stdin and checks it as Prometheus does: the text format parsed by
// github.com/prometheus/common/expfmt (what Prometheus's client libraries and promtool parse it
// with), then the metric names, types and help linted by client_golang's promlint (what
// `promtool check metrics` runs). Prints each problem as "metric: text" and exits 1 if there is
// any; exits 2 if the text does not parse. tests/dist/metrics-format.test.ts runs it.
package main

import (
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

func main() {
	problems, err := promlint.New(os.Stdin).Lint()
	if err != nil {
		fmt.Fprintf(os.Stderr, "does not parse: %v\n", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Printf("%s: %s\n", p.Metric, p.Text)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
