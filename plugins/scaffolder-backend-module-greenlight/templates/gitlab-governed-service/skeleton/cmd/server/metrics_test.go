package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMetricsCountRequestsByCodeAndTrack(t *testing.T) {
	m := newMetrics("canary")
	handler := m.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	for _, path := range []string{"/", "/", "/fail"} {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}

	recorder := httptest.NewRecorder()
	m.ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body, _ := io.ReadAll(recorder.Body)
	text := string(body)

	for _, want := range []string{
		`http_requests_total{track="canary",code="200"} 2`,
		`http_requests_total{track="canary",code="503"} 1`,
		`http_request_duration_seconds_bucket{track="canary",le="+Inf"} 3`,
		`http_request_duration_seconds_count{track="canary"} 3`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

func TestHealthzAnswersOk(t *testing.T) {
	m := newMetrics("stable")
	recorder := httptest.NewRecorder()
	m.observe(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})).ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if recorder.Code != http.StatusOK || recorder.Body.String() != "ok\n" {
		t.Fatalf("got %d %q", recorder.Code, recorder.Body.String())
	}
}
