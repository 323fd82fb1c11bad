package main

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Upper bounds in seconds; the p99 latency gate reads them with histogram_quantile.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// metrics counts requests by status code and records their duration, without a
// third-party client library, so that the module has no dependencies to pin.
type metrics struct {
	track    string
	mu       sync.Mutex
	requests map[int]uint64
	buckets  []uint64
	count    uint64
	sum      float64
}

func newMetrics(track string) *metrics {
	return &metrics{track: track, requests: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

func (m *metrics) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		recorder := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(recorder, r)
		m.record(recorder.status, time.Since(start).Seconds())
	})
}

func (m *metrics) record(status int, seconds float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[status]++
	m.count++
	m.sum += seconds
	for i, bound := range latencyBuckets {
		if seconds <= bound {
			m.buckets[i]++
		}
	}
}

func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	track := strconv.Quote(m.track)

	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	codes := make([]int, 0, len(m.requests))
	for code := range m.requests {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	for _, code := range codes {
		fmt.Fprintf(w, "http_requests_total{track=%s,code=\"%d\"} %d\n", track, code, m.requests[code])
	}

	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for i, bound := range latencyBuckets {
		le := strconv.FormatFloat(bound, 'g', -1, 64)
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{track=%s,le=%q} %d\n", track, le, m.buckets[i])
	}
	fmt.Fprintf(w, "http_request_duration_seconds_bucket{track=%s,le=\"+Inf\"} %d\n", track, m.count)
	fmt.Fprintf(w, "http_request_duration_seconds_sum{track=%s} %g\n", track, m.sum)
	fmt.Fprintf(w, "http_request_duration_seconds_count{track=%s} %d\n", track, m.count)
}
