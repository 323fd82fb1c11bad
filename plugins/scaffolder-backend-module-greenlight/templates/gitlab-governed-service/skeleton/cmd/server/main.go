// Command server is the service's HTTP entry point.
//
// It serves /metrics in the Prometheus text format so that the gates in slo.yaml can
// compare the canary with the stable version: every series carries the rollout track
// (TRACK: stable, canary or baseline) that the deployment sets.
package main

import (
	"context"
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := ":" + envOr("PORT", "8080")
	metrics := newMetrics(envOr("TRACK", "stable"))

	mux := http.NewServeMux()
	mux.Handle("GET /healthz", metrics.observe(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})))
	mux.Handle("GET /metrics", metrics)

	server := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	go func() {
		<-stop.Done()
		// Finish requests in flight so that a rollout step does not count them as errors.
		ctx, done := context.WithTimeout(context.Background(), 20*time.Second)
		defer done()
		_ = server.Shutdown(ctx)
	}()
	log.Printf("listening on %s", addr)
	if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
