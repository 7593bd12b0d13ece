package motoserver

import (
	"net/http"
	"testing"
)

func TestShared_AnswersOnLoopback(t *testing.T) {
	s := Shared(t)
	resp, err := http.Get(s.Endpoint + "/moto-api/")
	if err != nil {
		t.Fatalf("GET moto-api: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("moto-api status = %d, want 200", resp.StatusCode)
	}
	if again := Shared(t); again != s {
		t.Fatal("Shared started a second server")
	}
	if err := s.Reset(); err != nil {
		t.Fatalf("Reset: %v", err)
	}
}
